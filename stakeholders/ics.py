"""Workshop invitations as iCalendar (RFC 5545) with the icalendar library."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Charter//Workshops//EN"


def workshop_calendar(workshop: Any, attendees: list[Any], *, cancelled: bool = False) -> bytes:
    """One VEVENT for the workshop. A reschedule re-sends the same UID with a higher SEQUENCE;
    a cancellation is METHOD:CANCEL with STATUS:CANCELLED (RFC 5546)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", workshop.ics_uid)
    event.add("sequence", workshop.ics_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    event.add("summary", workshop.title)
    description = "\n\n".join(part for part in (workshop.purpose, workshop.agenda) if part)
    if workshop.meeting_url:
        description = f"{description}\n\nJoin: {workshop.meeting_url}".strip()
    if description:
        event.add("description", description)
    if workshop.location:
        event.add("location", workshop.location)
    if workshop.meeting_url:
        event.add("url", workshop.meeting_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"MAILTO:{_from_address()}")
    organizer.params["cn"] = vText("Charter")
    event["organizer"] = organizer
    for person in attendees:
        attendee = vCalAddress(f"MAILTO:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


def _from_address() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    return address.split("<")[-1].rstrip(">").strip() if "<" in address else address
