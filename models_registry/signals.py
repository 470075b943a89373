"""What models_registry announces to the apps that act on it (the notifications of the jobs
work subscribe here; models_registry never imports them).

Receivers run inside the sending service's transaction."""

from django.dispatch import Signal

# Sent when an incident is opened, by a person or a monitoring threshold's breach: incident=,
# and actor= (the person, or the system for a breach).
incident_opened = Signal()

# Sent when a change to a project in Integrate or Operate is flagged as a possible substantial
# modification: flag=, actor=. Compliance re-opens the checks the change touches.
modification_flagged = Signal()
