"""Every named route the URL resolver serves, with the HTTP methods its view answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

# Methods every view answers by itself (Django and DRF): not part of any rule.
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Namespaces left out of the table, with the reason.
OUT_OF_TABLE = {
    # Django's own staff site, behind is_staff: none of the roles of the matrix is staff.
    "admin": "the Django admin",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "projects:risk-edit"
    pattern: str
    methods: tuple[str, ...]
    kwargs: tuple[str, ...]  # names of the URL kwargs
    is_api: bool  # a DRF view: answers problem+json, authenticates with tokens


def _view_methods(callback: Any) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset bound to {method: action}
        return tuple(m.upper() for m in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return tuple(
            m.upper()
            for m in view_class.http_method_names
            if hasattr(view_class, m) and m.upper() not in IMPLICIT_METHODS
        )
    # A function view: require_http_methods keeps its list in a closure of the wrapper chain.
    function = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, list) and value and all(m in ALL_METHODS for m in value):
                return tuple(value)
        function = getattr(function, "__wrapped__", None)
    return ALL_METHODS  # undecorated: it answers everything


def _is_api(callback: Any) -> bool:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def _kwargs(entry: URLPattern | URLResolver) -> tuple[str, ...]:
    return tuple(entry.pattern.regex.groupindex)


def _walk(
    resolver: URLResolver, prefix: str, namespace: str, kwargs: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner, kwargs + _kwargs(entry))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name.split(":")[0] in OUT_OF_TABLE:
                continue
            yield Route(
                name=name,
                pattern=prefix + str(entry.pattern),
                methods=_view_methods(entry.callback),
                kwargs=kwargs + _kwargs(entry),
                is_api=_is_api(entry.callback),
            )


def all_routes() -> dict[str, Route]:
    """Every named route, by namespaced name."""
    return {route.name: route for route in _walk(get_resolver(), "", "")}
