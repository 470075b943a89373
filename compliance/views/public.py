"""The public transparency page: a project's published fact sheet, read-only, for anyone,
under the publication's opaque id. It shows only the fields the organisation chose, on its
own minimal template: no navigation, no link into Charter, no form, no script — so no
session or CSRF cookie is ever set by it — and a stricter CSP than the application's.

Caching. The page is read from the database on every request and Charter caches nothing
of it, so unpublishing answers 404 from the next request on. Browsers and shared caches may
store it (`public`) but must revalidate it before each use (`no-cache`): the ETag, a digest
of the page, makes that a 304 without a body while nothing changed, and a 404 once it is
taken down. A freshness lifetime (`max-age=300`) would spare those round trips but let every
copy already fetched outlive an unpublish by up to five minutes; a takedown of something
published by mistake matters more (the trade-off is in docs/privacy.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.csp import CSP
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from compliance.fact_sheet import fact_sheet
from compliance.selectors.publications import published_fact_sheet_get

# Stored, but revalidated before every use: an unpublish is never outlived by a copy.
CACHE_CONTROL = "public, no-cache"
# Nothing to run, nothing to frame, nowhere to post: only its own style sheet.
PUBLIC_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@require_GET
@csp_override(PUBLIC_CSP)
def fact_sheet_page(request: HttpRequest, public_id: str) -> HttpResponse:
    publication = published_fact_sheet_get(public_id=public_id)
    project = publication.project
    context: dict[str, Any] = {
        "project": project,
        "sections": fact_sheet(project, fields=publication.fields),
        "published_at": publication.published_at,
    }
    # Rendered without the request: no context processor reaches the session, the user or
    # the CSRF token.
    html = render_to_string("compliance/public/fact_sheet.html", context)
    etag = quote_etag(hashlib.sha256(html.encode()).hexdigest()[:32])
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(html)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Robots-Tag"] = "noindex"  # a search engine's copy would outlive an unpublish
    return response
