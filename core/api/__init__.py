"""DRF plumbing every app's REST API stands on; it knows no domain and imports nothing of ours.

errors (RFC 9457 problem details, 409s), schema (how errors and ids are documented),
serializers (strict input, checked fields), viewsets (the base viewset), filters, pagination,
renderers (file downloads).
"""
