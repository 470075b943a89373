"""The quickstart's mail on the terminal: decoded, with each link whole on its own line (the
raw console backend printed quoted-printable, which breaks a copied feedback link)."""

from io import StringIO

from django.core.mail import EmailMessage

from core.console_mail import EmailBackend

LINK = "http://127.0.0.1:8000/f/eyJpIjoiMTIzNDU2Nzg5MDEyMzQ1Njc4OTAifQ:1vQx=ab-cd_ef/"


def test_a_mailed_link_prints_whole_and_decoded():
    stream = StringIO()
    message = EmailMessage(
        subject="Your feedback is requested — Claims triage",
        body=f"Hello Dana,\n\nPlease answer by Friday: {LINK}\n\nThank you.",
        from_email="Charter <charter@localhost>",
        to=["dana@example.org"],
    )
    message.attach("workshop.ics", b"BEGIN:VCALENDAR", "text/calendar")
    EmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: Your feedback is requested — Claims triage" in printed
    assert f"\n{LINK}\n" in printed  # on a line of its own, "=" and all
    assert "=3D" not in printed
    assert "Content-Transfer-Encoding" not in printed
    assert "Attached: workshop.ics" in printed
