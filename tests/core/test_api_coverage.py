"""Everything a person can do in the browser, a client can do through /api/v1/.

The URL resolver lists every named HTML route (not the API, the admin, the schema pages) and
every API route; tests/core/api_coverage.py says, for each HTML route, which API routes offer
the same capability, or why it is a view only, or that its API is a known gap."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import URLPattern, URLResolver, get_resolver

from tests.core.api_coverage import API_FOR, KNOWN_GAPS, VIEW_ONLY

API_PREFIX = "api/"
# Django's admin is its own site, for operators; its pages are not Charter's capabilities.
ADMIN_PREFIX = "admin/"


def _routes(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None]]:
    """(the route's path pattern, its namespaced name or None), every route of the tree."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name
        else:
            yield prefix + str(pattern.pattern), None


def _is_api(path: str) -> bool:
    return path.lstrip("^").startswith(API_PREFIX)


def _is_html(path: str) -> bool:
    return not _is_api(path) and not path.lstrip("^").startswith(ADMIN_PREFIX)


ROUTES = list(_routes(get_resolver().url_patterns))
HTML = {name for path, name in ROUTES if name and _is_html(path)}
API = {name for path, name in ROUTES if name and _is_api(path) and ":" in name}


def test_the_enumeration_sees_both_sides():
    # A resolver walk that found nothing would pass every check below.
    assert "projects:project-list" in HTML
    assert "projects-api:project-list" in API
    assert not any(name.startswith("admin:") for name in HTML)
    assert not HTML & API


def test_every_html_route_is_named():
    # An unnamed page could not be listed below, so it could escape the review.
    unnamed = sorted(path for path, name in ROUTES if name is None and _is_html(path))
    assert unnamed == []


def test_every_html_route_has_an_api_or_a_reviewed_reason():
    missing = sorted(HTML - set(API_FOR) - set(VIEW_ONLY) - set(KNOWN_GAPS))
    assert missing == [], (
        "Pages without an API route: add the API route(s) that offer the same capability "
        "to API_FOR in tests/core/api_coverage.py, or (a page that is a view only) a line "
        f"with the reason to VIEW_ONLY: {missing}"
    )


def test_each_html_route_is_in_one_table_only():
    tables = {"API_FOR": set(API_FOR), "VIEW_ONLY": set(VIEW_ONLY), "KNOWN_GAPS": set(KNOWN_GAPS)}
    twice = sorted(
        f"{name} ({first} and {second})"
        for first, names in tables.items()
        for second, others in tables.items()
        if first < second
        for name in names & others
    )
    assert twice == []


def test_every_mapped_api_route_exists():
    unknown = sorted(
        f"{page} → {route}"
        for page, routes in API_FOR.items()
        for route in routes
        if route not in API
    )
    assert unknown == [], f"API routes named in API_FOR that do not exist: {unknown}"
    assert all(API_FOR.values()), "an API_FOR entry names no API route"


def test_no_entry_outlives_its_page():
    stale = sorted((set(API_FOR) | set(VIEW_ONLY) | set(KNOWN_GAPS)) - HTML)
    assert stale == [], f"Entries in tests/core/api_coverage.py for pages that are gone: {stale}"


def test_every_view_only_page_says_why():
    assert sorted(page for page, reason in VIEW_ONLY.items() if not reason.strip()) == []


def test_a_known_gap_leaves_the_list_once_its_api_exists():
    closed = sorted(
        f"{page} → {route}" for page, (route, _reason) in KNOWN_GAPS.items() if route in API
    )
    assert closed == [], (
        f"These gaps have their API route now: move them from KNOWN_GAPS to API_FOR: {closed}"
    )
    assert all(reason.startswith("no API yet") for _route, reason in KNOWN_GAPS.values())
