"""The API's errors as one exception carrying the RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

import httpx


class CharterError(Exception):
    """An answer other than success. `status` is the HTTP status (0: no answer at all);
    `title`, `detail`, `errors` (field → messages) and `code` (e.g. `insufficient_scope`) come
    from the problem details; `problem` is the whole body. Quote `request_id` when reporting."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        errors: Any = None,
        code: str = "",
        problem: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.code = code
        self.problem: dict[str, Any] = problem or {}
        self.request_id: str = str(self.problem.get("request_id", ""))
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.title}" if self.status else self.title
        if self.detail:
            text += f": {self.detail}"
        if self.errors:
            text += f" {self.errors}"
        return text

    @classmethod
    def from_response(cls, response: httpx.Response) -> CharterError:
        """Read the problem details; a body that is not one (a proxy's page) becomes the
        title and a bounded excerpt of the text."""
        problem: dict[str, Any] = {}
        if "json" in response.headers.get("content-type", ""):
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                problem = body
        if not problem:
            return cls(response.status_code, response.reason_phrase, response.text[:500])
        return cls(
            int(problem.get("status") or response.status_code),
            str(problem.get("title") or response.reason_phrase),
            str(problem.get("detail") or ""),
            errors=problem.get("errors"),
            code=str(problem.get("code") or ""),
            problem=problem,
        )
