"""Announcements say where (with the address and accessibility) and who may come."""

import pytest

from seminars.mail.compose import talk_announcement
from seminars.models import Talk
from tests.factories import TalkFactory, VenueFactory

pytestmark = pytest.mark.django_db


def announced(talk: Talk, now):
    return talk_announcement(Talk.objects.public().with_speakers().get(pk=talk.pk), now)


def test_announcement_shows_address_accessibility_and_attendance(now):
    venue = VenueFactory(
        name="Stata Center",
        address="32 Vassar Street\nCambridge, MA 02139",
        accessibility="Step-free access\nfrom Vassar Street; hearing loop.",
    )
    talk = TalkFactory(
        venue=venue,
        location="Room 32-G882",
        audience="members",
        registration_required=True,
        registration_url="https://example.org/register",
    )

    message = announced(talk, now)

    assert (
        "Where: Stata Center, Room 32-G882\n"
        "Address: 32 Vassar Street, Cambridge, MA 02139\n"
        "Accessibility: Step-free access from Vassar Street; hearing loop.\n"
        "Who may come: Members of the institution; registration required: "
        "https://example.org/register\n"
    ) in message.text
    assert (
        "<dt>Address</dt>\n    <dd>32 Vassar Street, Cambridge, MA 02139</dd>\n"
        "    <dt>Accessibility</dt>\n"
        "    <dd>Step-free access from Vassar Street; hearing loop.</dd>\n"
        "    <dt>Who may come</dt>\n"
        "    <dd>Members of the institution; registration required: "
        '<a href="https://example.org/register" rel="nofollow">https://example.org/register</a>'
        "</dd>"
    ) in message.html


def test_announcement_of_an_open_talk_without_venue_details_says_only_where(now):
    talk = TalkFactory(venue=VenueFactory(name="Hall A"), location="")

    message = announced(talk, now)

    assert "Where: Hall A\n" in message.text
    assert ("Address" in message.text, "Who may come" in message.text) == (False, False)
