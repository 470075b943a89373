"""Cursor pagination of the audit trail."""

from rest_framework.pagination import CursorPagination


class AuditEventCursorPagination(CursorPagination):
    """Newest first, by (occurred_at, sequence): the order the trail is written in.

    A cursor marks a position rather than an offset, so events appended while a client walks
    the pages never shift a row onto the next page (no duplicates, no gaps).
    """

    ordering = ("-occurred_at", "-sequence")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
