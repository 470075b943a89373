"""Template helpers of the Charter pages: permissions for buttons, readable audit changes."""

import json
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.permissions import can_map
from core.numbers import human_money, human_number, plain_number

register = template.Library()

MAX_VALUE_CHARS = 100
HTMX = "django_htmx/htmx-2.min.js"


@register.simple_tag(takes_context=True)
def htmx_library(context: template.Context) -> SafeString:
    """htmx itself, vendored by django-htmx, without its debug script: in debug mode (the
    quickstart) that script replaces the whole document with any 400 answer, and ours are
    forms with their errors, meant to be swapped in place as in production."""
    nonce = context.get("csp_nonce")
    if nonce is None:
        return format_html('<script src="{}" defer></script>', static(HTMX))
    return format_html('<script src="{}" defer nonce="{}"></script>', static(HTMX), nonce)


@register.simple_tag(takes_context=True)
def can_for(context: template.Context, obj: Any) -> dict[str, bool]:
    """`{% can_for current_organization as org_can %}`: can_map of the signed-in user on obj."""
    request = context.get("request")
    if obj is None or request is None:
        return {}
    return can_map(request.user, obj)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE_CHARS else f"{text[: MAX_VALUE_CHARS - 1]}…"


@register.filter
def audit_changes(data: Any) -> list[tuple[str, str]]:
    """An event's data as (field, "old → new" or value) pairs, in a stable order.

    Empty values are left out: a new record's blank fields say nothing worth a line.
    """
    if not isinstance(data, dict):
        return [("", _text(data))] if data else []
    pairs = []
    for name in sorted(data):
        value = data[name]
        if value is None or value == "":
            continue
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            pairs.append((name, f"{_text(value['old'])} → {_text(value['new'])}"))
        else:
            pairs.append((name, _text(value)))
    return pairs


@register.filter
def plain(value: Any) -> str:
    """A decimal as people write it: `{{ metric.value|plain }}` gives 0.93, not 0.93000000."""
    return plain_number(value)


@register.filter
def number(value: Any) -> str:
    """A number for people in the active locale: `{{ criterion.target|number }}` gives 90, not
    9E+1; 1234567.5 gives 1,234,567.5."""
    return human_number(value)


@register.filter
def money(value: Any, currency: Any = "") -> str:
    """An amount for people in the active locale: `{{ study.estimated_cost|money:study.currency }}`
    gives €120,000.00, not 120000.00 EUR."""
    return human_money(value, currency)
