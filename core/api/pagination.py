"""Pagination every list of the API uses: page numbers by default, cursors for append-heavy
tables."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class CreatedCursorPagination(CursorPagination):
    """Stable paging over append-heavy tables, newest first.

    A cursor marks a position rather than an offset, so rows appended while a client walks
    the pages never shift a row onto the next page (no duplicates, no gaps). A table ordered by
    other columns than `created_at` subclasses this and sets `ordering`.
    """

    # A subclass may order by several columns (a tuple), as DRF allows.
    ordering: str | tuple[str, ...] = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 500
