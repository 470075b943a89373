"""Reading values out of rendered pages and mails."""

import re


def found(pattern: str, text: str) -> re.Match[str]:
    """The first match of `pattern` in `text`; the test fails when the text lacks it."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found in the text"
    return match
