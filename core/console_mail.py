"""The quickstart's mailbox: mail printed to the terminal as people read it.

Django's console backend prints the raw MIME message, quoted-printable included, so a
feedback link copied from the terminal is broken (`=3D`, soft line breaks). This one prints
the headers that matter, the decoded text body, and every link on a line of its own.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

LINK = re.compile(r"https?://[^\s<>\"')]+")
RULE = "-" * 79


def _name(attachment: Any) -> str:
    """An attachment's file name: a (filename, content, mimetype) tuple or a MIME part."""
    if hasattr(attachment, "get_filename"):
        return str(attachment.get_filename() or "attachment")
    return str(getattr(attachment, "filename", None) or attachment[0] or "attachment")


class EmailBackend(ConsoleEmailBackend):
    def write_message(self, message: Any) -> None:
        body = str(message.body)
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            body,
        ]
        links = list(dict.fromkeys(LINK.findall(body)))
        if links:
            lines += ["", "Links:", *links]
        attachments = [_name(attachment) for attachment in message.attachments]
        if attachments:
            lines += ["", "Attached: " + ", ".join(attachments)]
        self.stream.write("\n".join([*lines, RULE, ""]))
