"""Renderers for file downloads (CSV, iCalendar) whose errors still answer problem+json."""

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer


class DownloadRenderer(BaseRenderer):
    """Passes a prepared file body through; anything else (an error) is rendered as JSON.

    Errors of a download still answer problem+json: the handler sets that content type and
    this renderer writes the JSON, whichever `Accept` the client sent.
    """

    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode("utf-8")
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


class CalendarRenderer(DownloadRenderer):
    media_type = "text/calendar"
    format = "ics"


class CsvRenderer(DownloadRenderer):
    media_type = "text/csv"
    format = "csv"
