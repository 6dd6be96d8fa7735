"""Finding 12: a line break or another control character in a one-line field (a title, a
name, a room) is refused at the model, so that no announcement fails on it later."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from seminars.models import EventType, Series, Talk
from seminars.organisers.csv_io import COLUMNS, read_import
from speakers.models import Affiliation, Speaker
from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Use one line of text, without line breaks, tabs or other control characters."


@pytest.mark.parametrize("junk", ["\r\nBcc: victim@example.org", "\n", "\t", "\x1b[31m", "\u2028"])
@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Talk, "title"),
        (Talk, "location"),
        (Talk, "host"),
        (Series, "name"),
        (Series, "default_location"),
        (EventType, "name"),
        (Speaker, "name"),
        (Speaker, "position"),
        (Affiliation, "name"),
        (Affiliation, "short_name"),
    ],
)
def test_one_line_fields_refuse_control_characters(model, field, junk):
    with pytest.raises(ValidationError) as refusal:
        model._meta.get_field(field).clean(f"Title{junk}", None)

    assert refusal.value.messages == [MESSAGE]


def test_admin_refuses_a_title_with_a_line_break(staff_client):
    from django.urls import reverse

    from tests.seminars.test_admin import talk_form_data

    talk = TalkFactory()
    response = staff_client.post(
        reverse("admin:seminars_talk_add"),
        talk_form_data(talk.series, title="Talk\r\nBcc: victim@example.org"),
    )

    assert response.context["adminform"].form.errors["title"] == [MESSAGE]
    assert Talk.objects.count() == 1


def test_csv_refuses_a_title_with_a_line_break():
    superuser = get_user_model().objects.create(username="root", is_superuser=True)
    text = (
        ",".join(COLUMNS[:7])
        + '\r\n,,"Talk\r\nBcc: x@example.org",draft,2026-12-08T12:00:00-05:00,,"Se\tries"\r\n'
    )

    assert [str(error) for error in read_import(text, superuser).errors] == [
        "Row 2: title, series holds a line break or another control character; only the "
        "abstract may have several lines"
    ]
