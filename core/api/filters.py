"""Filter backends shared by the API's list endpoints."""

from typing import Any

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key: rows that tie (same phase, same
    name in two organisations) keep one order, so no row is skipped or repeated across pages."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*ordering, "pk") if ordering else queryset
