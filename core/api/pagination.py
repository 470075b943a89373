"""Pagination every list of the API uses: page numbers by default, cursors for append-heavy
tables.

Its query parameters are refused when they are nonsense (`page_size=null`, `page=0`, a page
size above the maximum, a parameter given twice, a cursor that was never issued), with a 400
naming the parameter, instead of DRF's default of quietly serving the default page. A page
number past the last page is a 404, as DRF answers (that page does not exist).
"""

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

from core.api.serializers import GIVE_ONCE as ONCE

PAGE_SIZE_RANGE = "Give a whole number from 1 to {max}."
PAGE_NUMBER = 'Give a page number from 1 (or "last").'
BAD_CURSOR = "This cursor was not issued by this list: follow the `next` and `previous` links."


def single_query_value(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationError({name: [ONCE]})
    return values[0] if values else None


def _whole_number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() else None


class StrictPageSize:
    """`page_size` from 1 to the maximum, or the default when it is absent."""

    page_size: int | None
    page_size_query_param: str | None
    max_page_size: int | None

    def get_page_size(self, request: Request) -> int | None:
        param, maximum = self.page_size_query_param or "page_size", self.max_page_size or 200
        raw = single_query_value(request, param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= maximum:
            raise ValidationError({param: [PAGE_SIZE_RANGE.format(max=maximum)]})
        return size


class StandardPagination(StrictPageSize, PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        raw = single_query_value(request, self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            number = _whole_number(raw)
            if number is None or number < 1:
                raise ValidationError({self.page_query_param: [PAGE_NUMBER]})
        return super().paginate_queryset(queryset, request, view)


class CreatedCursorPagination(StrictPageSize, CursorPagination):
    """Stable paging over append-heavy tables, newest first.

    A cursor marks a position rather than an offset, so rows appended while a client walks
    the pages never shift a row onto the next page (no duplicates, no gaps). A table ordered by
    other columns than `created_at` subclasses this and sets `ordering`.
    """

    # A subclass may order by several columns (a tuple), as DRF allows.
    ordering: str | tuple[str, ...] = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request: Request) -> Any:
        single_query_value(request, self.cursor_query_param)
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF's answer to a cursor it cannot read
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
