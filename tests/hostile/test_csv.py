"""Findings 4, 5, 6 and 8 through the CSV import and export: formulas stay text, an import is
one transaction with its history, a double submit imports once, stale rows and retired slugs
are refused."""

import base64
import csv
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from seminars.models import ContentVersion, Talk
from seminars.organisers.csv_io import COLUMNS, InvalidImport, import_talks, talks_csv
from speakers.services import retire_slug
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory, organiser_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)


def export(*chosen: Talk) -> str:
    talks = Talk.objects.with_speakers().filter(pk__in=[t.pk for t in chosen])
    return talks_csv(talks.order_by("start", "pk"))


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def new_rows(count: int, series: str) -> str:
    header = ",".join(COLUMNS[:11])
    rows = [
        f",,Talk {n},published,2027-01-{1 + n % 28:02d}T12:00:00-05:00,,{series},"
        f"Speaker {n % 7} (Lab {n % 3}),Seminar,Room {n % 4},Abstract {n}."
        for n in range(count)
    ]
    return "\r\n".join([header, *rows]) + "\r\n"


def test_csv_export_escapes_a_formula_in_a_speaker_name_another_organiser_wrote():
    # Alice's series names a speaker whose name is a formula; Bob's talk shares the speaker.
    organiser_of(SeriesFactory(name="Series A"))
    speaker = SpeakerFactory(name='=HYPERLINK("https://evil.example","Hi")', affiliation=None)
    TalkFactory(series=SeriesFactory(name="Series A"), speakers=[speaker])
    bobs = TalkFactory(series=SeriesFactory(name="Series B"), speakers=[speaker])

    [row] = cells(export(bobs))

    assert row["speakers"] == '\'=HYPERLINK("https://evil.example","Hi")'


def test_csv_import_is_one_transaction_with_its_history_and_one_bump(superuser):
    before = ContentVersion.objects.current().counter

    result = import_talks(new_rows(300, "Systems Seminar"), superuser)

    assert (len(result.created), Talk.objects.count()) == (300, 300)
    assert (
        sorted(LogEntry.objects.filter(user=superuser).values_list("action_flag", "change_message"))
        == [(ADDITION, "Imported from CSV.")] * 300
    )
    assert ContentVersion.objects.current().counter == before + 1
    talk = Talk.objects.with_speakers().get(title="Talk 8")
    assert [(link.speaker.name, link.affiliation.name) for link in talk.speaker_links()] == [
        ("Speaker 1", "Lab 2")
    ]
    assert (talk.slug, talk.location, len(set(Talk.objects.values_list("slug", flat=True)))) == (
        "talk-8",
        "Room 0",
        300,
    )


@pytest.mark.slow
def test_csv_import_of_ten_thousand_rows_stores_every_row_and_its_history(superuser):
    text = new_rows(10_000, "Systems Seminar")
    assert len(text.encode()) < 1_500_000

    result = import_talks(text, superuser)

    assert (len(result.created), Talk.objects.count(), LogEntry.objects.count()) == (
        10_000,
        10_000,
        10_000,
    )


def test_csv_double_submit_imports_once(staff_client):
    text = new_rows(3, "Systems Seminar")
    payload = {"confirm": "1", "csv": base64.b64encode(text.encode()).decode()}
    url = reverse("admin:seminars_talk_import")

    first = staff_client.post(url, payload, follow=True)
    second = staff_client.post(url, payload, follow=True)

    assert Talk.objects.count() == 3
    assert [str(m) for m in first.context["messages"]] == [
        "Imported 3 new talk(s), updated 0; 0 unchanged."
    ]
    assert [str(m) for m in second.context["messages"]] == [
        "Imported 0 new talk(s), updated 0; 3 unchanged."
    ]
    assert LogEntry.objects.count() == 3


def test_csv_reimport_of_an_old_export_refuses_rows_changed_since(superuser):
    kept = TalkFactory(title="Kept", abstract="Old")
    edited = TalkFactory(title="Edited", abstract="Old")
    old_export = export(kept, edited)
    edited.abstract = "A newer edit in the admin"
    edited.save()

    with pytest.raises(InvalidImport) as refusal:
        import_talks(old_export.replace(",Old,", ",Changed in the file,"), superuser)

    [error] = refusal.value.errors
    assert str(error) == (
        f"Row 3: the talk “Edited” was changed after this file was exported (its version is "
        f"now {edited.edit_version}, the file's {edited.edit_version - 1}); importing the row "
        "would undo that change: export the talk again and redo yours"
    )
    assert list(Talk.objects.order_by("pk").values_list("abstract", flat=True)) == [
        "Old",
        "A newer edit in the admin",
    ]


def test_csv_reimport_of_a_current_export_updates(superuser):
    talk = TalkFactory(title="Talk", abstract="Old")

    result = import_talks(export(talk).replace(",Old,", ",New,"), superuser)

    talk.refresh_from_db()
    assert ([t.pk for t in result.updated], talk.abstract) == ([talk.pk], "New")
    assert list(LogEntry.objects.values_list("action_flag", "object_id")) == [
        (CHANGE, str(talk.pk))
    ]


def test_csv_refuses_a_slug_that_redirects_to_another_talk(superuser):
    renamed = TalkFactory(title="Renamed", slug="new-address")
    retire_slug(renamed, "old-address")
    header = ",".join(COLUMNS[:7])
    text = f"{header}\r\n,old-address,Takeover,published,2026-12-08T12:00:00Z,,Other\r\n"

    with pytest.raises(InvalidImport) as refusal:
        import_talks(text, superuser)

    assert [str(error) for error in refusal.value.errors] == [
        "Row 2: slug “old-address” was the address of another one before it was renamed, "
        "and still leads there; choose another slug"
    ]
