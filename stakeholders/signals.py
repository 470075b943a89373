"""What stakeholders announces to the apps above it (notifications subscribes; stakeholders
never imports them). Receivers run inside the sending service's transaction."""

from django.dispatch import Signal

# Sent when a stakeholder withdraws their consent: stakeholder=, records= (the records just
# withdrawn, with their invite's round and project), via= ("link" or "request").
consent_withdrawn = Signal()
