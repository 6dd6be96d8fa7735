"""The talk form's speakers: right after the title, in the order of their rows."""

import pytest
from django.urls import reverse

from seminars.models import Talk
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def change_url(talk):
    return reverse("admin:seminars_talk_change", args=[talk.pk])


def form_data(talk, rows, **extra):
    """Return the talk form as posted, with `rows`: (link or None, speaker, order) each."""
    data = {
        "title": talk.title,
        "slug": talk.slug,
        "series": talk.series_id,
        "status": talk.status,
        "start_0": "2026-12-08",
        "start_1": "12:00",
        "end_0": "2026-12-08",
        "end_1": "13:00",
        "location": talk.location,
        "online_url": "",
        "online_link_visibility": "before_start",
        "abstract": talk.abstract,
        "host": "",
        "audience": "open",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "loaded_edit_version": Talk.objects.get(pk=talk.pk).edit_version if talk.pk else "",
        "talk_speakers-TOTAL_FORMS": str(len(rows)),
        "talk_speakers-INITIAL_FORMS": str(sum(link is not None for link, _, _ in rows)),
        "talk_speakers-MIN_NUM_FORMS": "0",
        "talk_speakers-MAX_NUM_FORMS": "1000",
    }
    for index, (link, speaker, order) in enumerate(rows):
        prefix = f"talk_speakers-{index}-"
        data[prefix + "speaker"] = speaker.pk if speaker else ""
        data[prefix + "affiliation"] = link.affiliation_id if link else ""
        data[prefix + "order"] = "" if order is None else str(order)
        if link is not None:
            data[prefix + "id"] = link.pk
            data[prefix + "talk"] = talk.pk
    data.update(extra)
    return data


@pytest.fixture
def talk():
    names = ["Ada", "Grace", "Barbara"]
    return TalkFactory(title="Ordered", speakers=[SpeakerFactory(name=name) for name in names])


def speaker_order(talk):
    return [
        (link.speaker.name, link.order)
        for link in talk.talk_speakers.select_related("speaker").order_by("order")
    ]


def stored_rows(talk):
    return [(link, link.speaker, link.order) for link in talk.talk_speakers.order_by("order")]


def test_rows_reordered_on_the_page_save_in_that_order(staff_client, talk):
    ada, grace, barbara = stored_rows(talk)
    # The script renumbers the hidden order inputs as rows are dragged or moved.
    rows = [(ada[0], ada[1], 2), (grace[0], grace[1], 0), (barbara[0], barbara[1], 1)]

    response = staff_client.post(change_url(talk), form_data(talk, rows))

    assert response.status_code == 302
    assert speaker_order(talk) == [("Grace", 0), ("Barbara", 1), ("Ada", 2)]


def test_move_up_button_without_javascript_saves_and_reopens_the_form(staff_client, talk):
    rows = stored_rows(talk)
    data = form_data(talk, rows, _move_row="talk_speakers-2-order:up")

    response = staff_client.post(change_url(talk), data)

    assert (response.status_code, response["Location"]) == (302, change_url(talk))
    assert speaker_order(talk) == [("Ada", 0), ("Barbara", 1), ("Grace", 2)]


def test_move_down_of_the_last_row_changes_nothing(staff_client, talk):
    data = form_data(talk, stored_rows(talk), _move_row="talk_speakers-2-order:down")

    staff_client.post(change_url(talk), data)

    assert speaker_order(talk) == [("Ada", 0), ("Grace", 1), ("Barbara", 2)]


@pytest.mark.parametrize("junk", ["", "nonsense", "talk_speakers-9-order:up", "x:sideways"])
def test_junk_move_value_saves_the_rows_as_they_are(staff_client, talk, junk):
    response = staff_client.post(
        change_url(talk), form_data(talk, stored_rows(talk), _move_row=junk)
    )

    assert response.status_code == 302
    assert speaker_order(talk) == [("Ada", 0), ("Grace", 1), ("Barbara", 2)]


def test_new_rows_are_numbered_in_page_order_without_typing_a_number(staff_client):
    series = SeriesFactory()
    first, second = SpeakerFactory(name="First"), SpeakerFactory(name="Second")
    talk = TalkFactory.build(series=series, title="New", slug="", location="", abstract="")
    data = form_data(talk, [(None, first, None), (None, second, None), (None, None, None)])

    response = staff_client.post(reverse("admin:seminars_talk_add"), data)

    assert response.status_code == 302
    assert speaker_order(Talk.objects.get(title="New")) == [("First", 0), ("Second", 1)]


def test_deleted_row_leaves_no_gap(staff_client, talk):
    rows = stored_rows(talk)
    data = form_data(talk, rows, **{"talk_speakers-0-DELETE": "on"})

    staff_client.post(change_url(talk), data)

    assert speaker_order(talk) == [("Grace", 0), ("Barbara", 1)]


def test_talk_form_puts_speakers_after_the_title_with_move_buttons(staff_client, talk):
    html = staff_client.get(change_url(talk)).content.decode()

    assert html.index('id="id_title"') < html.index('id="talk_speakers-group"')
    assert html.index('id="talk_speakers-group"') < html.index('id="id_slug"')
    # Three rows, a blank one and the template of "Add another speaker".
    assert html.count('aria-label="Move up"') == 5
    assert (
        '<input type="hidden" name="talk_speakers-0-order" value="0" '
        'id="id_talk_speakers-0-order" class="row-order">' in html
    )
    assert 'type="number"' not in html.split('id="talk_speakers-group"')[1].split("</table>")[0]


def test_talk_form_writes_iso_dates_and_24_hour_times_and_says_the_zone_once(staff_client, talk):
    talk.start = talk.start.replace(hour=19)  # 14:00 in New York
    talk.end = talk.start.replace(hour=20)
    talk.save()

    html = staff_client.get(change_url(talk)).content.decode()

    assert 'name="start_0" value="2026-12-08"' in html
    assert 'name="start_1" value="14:00"' in html
    assert html.count("timezone") == 1 + html.count("America/New_York timezone")
    assert (
        "Dates are year-month-day (2026-12-08), times 24-hour (14:30), in the series' "
        "timezone (America/New_York)." in html
    )
    assert "In the series' timezone." not in html
