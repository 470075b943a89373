"""The kinds of notification and the channel each goes to when a person has not chosen.

A kind is a registered string ("incident.opened"). The apps that send notifications declare
theirs here or with `register_kind` from their AppConfig.ready, so that the preferences page
lists every kind and `notify` refuses a misspelt one.

Channels (what a person picks per kind):

- ``in_app``: the bell and the notifications page only;
- ``email``: the bell, and an email at once;
- ``digest``: the bell, and one email a day gathering them, in the person's own morning;
- ``off``: nothing at all.

Defaults: what needs someone's action soon (an incident to handle, a gate to sign, the outcome
of one's own gate request, a reminder that something falls due) goes to ``email``. A possible
substantial modification goes to ``digest``: it asks a compliance officer for an assessment,
not for action within the hour, and a busy organisation flags many in a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    DIGEST = "digest"
    OFF = "off"


CHANNEL_LABELS: dict[str, str] = {
    Channel.IN_APP: "In the app",
    Channel.EMAIL: "In the app and by email",
    Channel.DIGEST: "In the app and in the daily digest",
    Channel.OFF: "Off",
}

INCIDENT_OPENED = "incident.opened"
GATE_REQUESTED = "gate.requested"
GATE_DECIDED = "gate.decided"
MODIFICATION_FLAGGED = "modification.flagged"
REMINDER_DUE = "reminder.due"
# The report emails itself (reports/outbox.py): in the app only, unless a person asks for more.
REPORT_READY = "report.ready"
# A queued audit trail export is written: the person who queued it may download it.
EXPORT_READY = "export.ready"
# The audit chain's verification failed (broken, timed out, errored): the organisation's
# administrators and compliance officers look at once.
AUDIT_VERIFICATION_FAILED = "audit.verification_failed"
# Personal data outlived its retention period: administrators and compliance officers review
# it and confirm its erasure (the daily retention job).
RETENTION_DUE = "retention.due"
# A stakeholder withdrew their consent to the processing of feedback answers of a project.
CONSENT_WITHDRAWN = "consent.withdrawn"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    default: Channel


_kinds: dict[str, Kind] = {}


def register_kind(name: str, label: str, default: Channel = Channel.EMAIL) -> Kind:
    """Declare a kind of notification; declaring the same kind twice alike is harmless."""
    kind = Kind(name=name, label=label, default=default)
    if name in _kinds and _kinds[name] != kind:
        raise ValueError(f"notification kind {name!r} is already registered")
    if len(name) > 64:
        raise ValueError(f"notification kind {name!r} is longer than 64 characters")
    _kinds[name] = kind
    return kind


def kind_of(name: str) -> Kind:
    """The registered kind `name`; KeyError for a kind nobody registered."""
    return _kinds[name]


def all_kinds() -> list[Kind]:
    """Every registered kind, by label."""
    return sorted(_kinds.values(), key=lambda kind: kind.label)


register_kind(INCIDENT_OPENED, "An incident is opened on a project I manage")
register_kind(GATE_REQUESTED, "A gate sign-off is requested from me")
register_kind(GATE_DECIDED, "A gate I requested is approved or rejected")
register_kind(
    MODIFICATION_FLAGGED, "A possible substantial modification is flagged", Channel.DIGEST
)
register_kind(REMINDER_DUE, "Something I am responsible for falls due")
register_kind(REPORT_READY, "A scheduled audit report is ready", Channel.IN_APP)
register_kind(EXPORT_READY, "An audit trail export I queued is ready", Channel.IN_APP)
register_kind(AUDIT_VERIFICATION_FAILED, "The audit trail of my organisation failed verification")
register_kind(
    RETENTION_DUE, "Personal data of my organisation is past its retention period", Channel.IN_APP
)
register_kind(CONSENT_WITHDRAWN, "A stakeholder withdraws consent on a project I manage")
