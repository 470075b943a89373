"""`python -m charter_client …`: the command line of cli.py."""

import sys

from charter_client.cli import main

sys.exit(main())
