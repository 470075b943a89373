"""What projects announces to the apps above it, which it never imports.

Receivers run inside the sending service's transaction, so what they write commits or rolls
back with it, under the same audit event.
"""

from django.dispatch import Signal

# Sent by project_create once the project and its manager are saved: project=, actor=.
project_created = Signal()

# Sent when an end user's feedback about the product arrives through the intake, for the
# apps that turn it into work (models_registry triages it as human feedback of the model):
# project=, feedback_id=, rating=, comment=, model_ref= (the version the client named).
product_feedback_received = Signal()

# Sent by gate_request once the request is saved: request=, actor=.
gate_requested = Signal()

# Sent when a gate request is decided: approved (the second sign-off passed it) or rejected.
# request=, project=, status= ("approved" or "rejected"), actor=.
gate_decided = Signal()
