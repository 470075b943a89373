"""What the import tests share: the samples folder and the Adapt fixtures they start from."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

SAMPLES = Path(__file__).parent / "samples"
LM_EVAL_SINGLE = SAMPLES / "lm_eval_mmlu_abstract_algebra.json"
LM_EVAL_GROUP = SAMPLES / "lm_eval_regression_arc_group.json"


def upload(path_or_bytes: Path | bytes, name: str = "results.json") -> SimpleUploadedFile:
    content = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
