"""Post an lm-evaluation-harness results file to Charter and print what was recorded.

    CHARTER_URL=https://charter.example.com CHARTER_TOKEN=chr_… \
        python post_lm_eval.py "Claims assistant" v2 results.json
"""

import os
import sys

from charter_client import CharterError, Client

project_name, version_ref, results_file = sys.argv[1:4]

with Client(os.environ["CHARTER_URL"], os.environ["CHARTER_TOKEN"]) as charter:
    print("Signed in as", charter.me()["email"])
    project = charter.find_project(project_name)
    version = charter.find_model_version(project["id"], version_ref)
    try:
        evaluation = charter.import_lm_eval(
            project["id"], model_version=version["id"], file=results_file
        )
    except CharterError as error:  # the problem details: status, title, detail, errors, code
        sys.exit(f"Charter refused the file: {error.detail} {error.errors or ''}")
    for metric in evaluation["metrics"]:
        print(f"{evaluation['benchmark']}: {metric['name']} = {metric['value']}")
