"""Webhooks: signed JSON posts of an organisation's events to the endpoints it registers."""
