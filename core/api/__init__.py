"""DRF plumbing every app's REST API stands on; it knows no domain and imports nothing of ours.

errors (RFC 9457 problem details, 409s), schema (how errors and ids are documented),
serializers (strict input, checked fields), viewsets (the base viewset), filters, pagination,
renderers (file downloads).

Each app lays its API out the same way: `api/<resource>.py` holds one resource's serializers,
filters and viewsets (other modules import a resource's shapes from there), `api/common.py`
only the building blocks that belong to no single resource (a parent in the URL, a base
viewset, a shared reference shape), and `api/urls.py` the router.
"""
