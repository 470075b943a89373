"""Writes the Inspect AI logs the import tests read: a tiny task run by Inspect AI itself on its
mock model, offline. Run as a script in a process of its own (`python inspect_sample.py FOLDER
FORMAT`): Inspect runs its own event loop, which cannot start inside a test process whose
thread already runs one (the browser tests' Playwright does)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, cast

SAMPLES = [
    ("Capital of France?", "Paris"),
    ("Capital of Italy?", "Rome"),
    ("Capital of Spain?", "Madrid"),
]


def main(folder: str, log_format: Literal["eval", "json"]) -> None:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import includes, match
    from inspect_ai.solver import generate

    def always_paris(*_args: object) -> ModelOutput:
        # The usage is given so that Inspect need not count tokens (its tokenizer would be
        # downloaded, and the tests run offline).
        output = ModelOutput.from_content(model="mockllm/model", content="Paris")
        output.usage = ModelUsage(input_tokens=5, output_tokens=1, total_tokens=6)
        return output

    task = Task(
        name="capitals",
        dataset=MemoryDataset(
            [Sample(input=q, target=a) for q, a in SAMPLES], name="capitals-mini"
        ),
        solver=[generate()],
        scorer=[match(), includes()],
    )
    [log] = inspect_eval(
        task,
        model=get_model("mockllm/model", custom_outputs=always_paris),
        log_dir=folder,
        log_format=log_format,
        display="none",
    )
    if log.status != "success":
        raise SystemExit(f"Inspect AI failed: {log.error}")
    if not list(Path(folder).glob(f"*.{log_format}")):
        raise SystemExit("Inspect AI wrote no log")


if __name__ == "__main__":
    main(sys.argv[1], cast(Literal["eval", "json"], sys.argv[2]))
