"""What the transparency tests share: a project with a confirmed classification (the Art. 50
characteristics chosen by the test), and a PDF read back with pdftotext."""

import subprocess

from compliance.services.classification import classification_propose

NO = {
    "prohibited_practice": "none",
    "annex_i_product": False,
    "annex_iii_area": "",
    "art_6_3_exception": "none",
    "profiling": False,
    "interacts_with_people": False,
    "generates_synthetic_content": False,
    "emotion_or_biometric_categorisation": False,
    "deep_fake": False,
    "gpai_model": False,
}


def classify(project, officer, **answers):
    """A classification of `project` with these answers (a deployer), confirmed at once:
    `officer` is a compliance officer."""
    return classification_propose(
        actor=officer,
        project=project,
        answers=NO | {"role": "deployer"} | answers,
        rationale="Assessed for the tests.",
    )


def pdf_words(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(  # noqa: S603 (a fixed command on our own test file)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 (poppler's, from the OS)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())
