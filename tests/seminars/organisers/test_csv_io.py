import base64
import datetime
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seminars.models import ContentVersion, EventType, Invitation, Series, Talk
from seminars.organisers.csv_io import (
    COLUMNS,
    CSV_COLUMNS,
    InvalidImport,
    SpeakerCell,
    escape_formula,
    import_talks,
    parse_speaker,
    read_import,
    talks_csv,
    unescape_formula,
)
from speakers.models import Affiliation, RetiredSlug, Speaker
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    VenueFactory,
    organiser_of,
)

pytestmark = pytest.mark.django_db

# Files written by hand leave off the optional columns at the end (venue, version), as files
# exported before venues existed do (they still import); only updates need the version.
HEADER = ",".join(COLUMNS[: COLUMNS.index("venue")])


@pytest.fixture
def superuser():
    return get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)


def snapshot() -> list[tuple]:
    """Every talk as the CSV carries it: uid, times, speakers in order with affiliations, tags."""
    return [
        (
            talk.uid,
            talk.slug,
            talk.title,
            talk.status,
            talk.start,
            talk.end,
            talk.series.name,
            [
                (link.speaker.name, link.affiliation.name if link.affiliation else None)
                for link in talk.speaker_links()
            ],
            [event_type.name for event_type in talk.event_types.all()],
            talk.location,
            talk.abstract,
        )
        for talk in Talk.objects.with_speakers().order_by("start", "uid")
    ]


def empty_the_database() -> None:
    Talk.objects.all().delete()
    Speaker.objects.all().delete()
    Affiliation.objects.all().delete()
    Series.objects.all().delete()
    EventType.objects.all().delete()
    RetiredSlug.objects.all().delete()


def csv_text(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def versioned_csv_text(*rows: str) -> str:
    """Return a file with every column, as the export writes it (rows end with a version)."""
    return "\r\n".join([",".join(COLUMNS), *rows]) + "\r\n"


def test_csv_export_writes_the_columns_exactly():
    talk = TalkFactory(
        uid=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        title="Clocks, “quoted”",
        series=SeriesFactory(name="Systems Seminar"),
        start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC),
        location="Room 1",
        abstract="Line one.\n\nLine, two.",
        speakers=[
            SpeakerFactory(name="Ada One", affiliation=AffiliationFactory(name="ETH (Zurich)")),
            SpeakerFactory(name="Bo Two", affiliation=None),
        ],
        event_types=[
            EventType.objects.get(name="Seminar"),
            EventType.objects.get(name="Tech week"),
        ],
    )

    text = talks_csv(Talk.objects.with_speakers().filter(pk=talk.pk))

    assert text == (
        f"{','.join(COLUMNS)}\r\n"
        f"12345678-1234-5678-1234-567812345678,{talk.slug},"
        '"Clocks, “quoted”",published,'
        "2026-12-08T12:00:00-05:00,2026-12-08T13:00:00-05:00,Systems Seminar,"
        "Ada One (ETH (Zurich)); Bo Two,Seminar; Tech week,Room 1,"
        '"Line one.\n\nLine, two.",,0\r\n'
    )


def test_csv_round_trip_into_an_empty_database_gives_the_same_talks(demo, superuser):
    first = Talk.objects.get(title__startswith="Inference")
    first.online_url = ""
    first.status = Talk.Status.CANCELLED
    first.save()
    before = snapshot()
    text = talks_csv(Talk.objects.with_speakers().order_by("start"))

    empty_the_database()
    result = import_talks(text, superuser)

    assert (len(result.created), len(result.updated), result.unchanged) == (10, 0, 0)
    assert snapshot() == before
    assert len(before) == 10
    assert before[5][7] == [("Venkat Pullela", "Keysight"), ("Tushar Krishna", "Georgia Tech")]
    assert before[5][8] == ["Special event", "Tech week"]


def test_csv_round_trip_through_the_admin_export_and_import(demo, staff_client):
    before = snapshot()
    exported = staff_client.post(
        reverse("admin:seminars_talk_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Talk.objects.values_list("pk", flat=True)),
        },
    )
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["Content-Disposition"] == 'attachment; filename="talks-2026-12-02.csv"'

    empty_the_database()
    url = reverse("admin:seminars_talk_import")
    upload = SimpleUploadedFile("talks.csv", exported.content, content_type="text/csv")
    preview = staff_client.post(url, {"file": upload})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.new_count, plan.update_count, plan.unchanged_count) == (10, 0, 0)
    assert plan.new_series == ["Systems Seminar"]
    assert plan.new_event_types == [
        "Digest talk",
        "Round table",
        "Seminar",
        "Special event",
        "Tech week",
    ]
    assert "Yuliang Li" in plan.new_speakers
    assert "<td>Venkat Pullela (Keysight); Tushar Krishna (Georgia Tech)</td>" in (
        preview.content.decode()
    )
    assert Talk.objects.count() == 0  # nothing is saved before the confirmation

    confirm = preview.context["confirm_form"].initial["csv"]
    done = staff_client.post(url, {"csv": confirm, "confirm": "Import"}, follow=True)

    assert [str(message) for message in done.context["messages"]] == [
        "Imported 10 new talk(s), updated 0; 0 unchanged."
    ]
    assert snapshot() == before


def test_csv_with_one_bad_row_imports_nothing_and_names_the_row(superuser):
    series = SeriesFactory(name="Systems Seminar")
    text = csv_text(
        ",,Good talk,published,2026-12-08T12:00:00-05:00,,Systems Seminar,New Person (New Lab),"
        "New tag,,",
        ",,Another good talk,draft,2026-12-15T12:00:00-05:00,,Systems Seminar,,,,",
        ",,Bad talk,published,next tuesday,,Systems Seminar,,,,",
    )
    counts = [model.objects.count() for model in (Talk, Speaker, Affiliation, EventType, Series)]

    with pytest.raises(InvalidImport) as raised:
        import_talks(text, superuser)

    assert [str(error) for error in raised.value.errors] == [
        "Row 4: start “next tuesday” is not an ISO 8601 date and time such as "
        "2026-12-08T12:00:00-05:00"
    ]
    assert [model.objects.count() for model in (Talk, Speaker, Affiliation, EventType, Series)] == (
        counts
    )
    assert series.talks.count() == 0


def test_admin_import_of_a_file_with_bad_rows_lists_each_and_imports_nothing(staff_client):
    SeriesFactory(name="Systems Seminar")
    text = csv_text(
        ",,Good talk,published,2026-12-08T12:00:00-05:00,,Systems Seminar,,,,",
        ",,,maybe,2026-12-08T12:00:00,2026-12-08T11:00:00-05:00,Systems Seminar,,,,",
        ",,Orphan,draft,2026-12-08T12:00:00Z,,No Such Series,,,,",
    )
    upload = SimpleUploadedFile("talks.csv", text.encode(), content_type="text/csv")

    response = staff_client.post(reverse("admin:seminars_talk_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Row 3: the title is blank",
        "Row 3: status “maybe” is not one of draft, published, cancelled",
        "Row 3: start “2026-12-08T12:00:00” has no UTC offset (such as -05:00 or Z)",
    ]
    assert "Row 3: the title is blank" in response.content.decode()
    assert Talk.objects.count() == 0
    assert "confirm_form" not in response.context


def test_csv_import_updates_the_talk_whose_uid_it_names(superuser):
    talk = TalkFactory(title="Old title", speakers=[SpeakerFactory(name="Ada One")])
    sequence = talk.sequence
    text = versioned_csv_text(
        f"{talk.uid},,New title,published,2026-12-08T13:00:00-05:00,,{talk.series.name},"
        f"Bo Two (Lab Two); Ada One,,,,,{talk.edit_version}"
    )

    result = import_talks(text, superuser)

    talk.refresh_from_db()
    assert [updated.pk for updated in result.updated] == [talk.pk]
    assert (talk.title, talk.slug, talk.start, talk.end) == (
        "New title",
        talk.slug,
        datetime.datetime(2026, 12, 8, 18, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 8, 19, 0, tzinfo=datetime.UTC),
    )
    assert talk.sequence == sequence + 1
    assert [
        (link.speaker.name, link.affiliation.name if link.affiliation else None)
        for link in Talk.objects.with_speakers().get(pk=talk.pk).speaker_links()
    ] == [("Bo Two", "Lab Two"), ("Ada One", Speaker.objects.get(name="Ada One").affiliation.name)]
    assert Talk.objects.count() == 1


def test_csv_import_changing_the_speakers_keeps_the_invitations_of_those_who_stay(superuser):
    ada, cy = SpeakerFactory(name="Ada One"), SpeakerFactory(name="Cy Three")
    talk = TalkFactory(speakers=[ada, cy])
    answered = {
        link.speaker.name: Invitation.objects.create(
            talk_speaker=link,
            invited_at=talk.start - datetime.timedelta(days=30),
            status=Invitation.Status.CONFIRMED,
            consent_recording=True,
            note="I need a projector.",
        )
        for link in talk.talk_speakers.all()
    }
    text = versioned_csv_text(
        f"{talk.uid},,{talk.title},published,2026-12-08T13:00:00-05:00,,{talk.series.name},"
        f"Bo Two (Lab Two); Ada One (Lab Nine),,,,,{talk.edit_version}"
    )

    import_talks(text, superuser)

    links = list(Talk.objects.get(pk=talk.pk).talk_speakers.order_by("order"))
    assert [(link.speaker.name, link.affiliation.name) for link in links] == [
        ("Bo Two", "Lab Two"),
        ("Ada One", "Lab Nine"),
    ]
    kept = Invitation.objects.get(pk=answered["Ada One"].pk)
    assert (kept.talk_speaker, kept.status, kept.consent_recording, kept.note) == (
        links[1],
        Invitation.Status.CONFIRMED,
        True,
        "I need a projector.",
    )
    assert not Invitation.objects.filter(pk=answered["Cy Three"].pk).exists()


def test_csv_import_of_an_unchanged_talk_leaves_it_alone(superuser):
    talk = TalkFactory(
        speakers=[SpeakerFactory()], event_types=[EventType.objects.get(name="Seminar")]
    )
    text = talks_csv(Talk.objects.with_speakers())

    result = import_talks(text, superuser)

    assert (result.created, result.updated, result.unchanged) == ([], [], 1)
    assert Talk.objects.get().updated == talk.updated


def test_csv_import_renaming_a_slug_keeps_the_old_address(superuser, client):
    talk = TalkFactory(title="Talk", slug="old-address")
    text = versioned_csv_text(
        f"{talk.uid},new-address,Talk,published,2026-12-08T12:00:00-05:00,,{talk.series.name},,,,,,"
        f"{talk.edit_version}"
    )

    import_talks(text, superuser)

    assert client.get("/talks/old-address/")["Location"] == "/talks/new-address/"


def test_csv_import_bumps_the_content_version_once(superuser):
    SeriesFactory(name="Systems Seminar")
    before = ContentVersion.objects.current().counter
    text = csv_text(
        *(
            f",,Talk {day},published,2026-12-{day:02d}T12:00:00-05:00,,Systems Seminar,"
            f"Person {day} (Lab {day}),Tag {day},,"
            for day in range(1, 6)
        )
    )

    import_talks(text, superuser)

    assert ContentVersion.objects.current().counter == before + 1
    assert Talk.objects.count() == 5


def test_csv_import_refuses_a_wrong_header(superuser):
    plan = read_import("uid,title\r\n,Talk\r\n", superuser)

    assert [str(error) for error in plan.errors] == [
        f"Row 1: the header must be exactly {','.join(COLUMNS)} (it is uid,title)"
    ]


def test_csv_import_refuses_an_empty_file(superuser):
    assert [str(error) for error in read_import(HEADER + "\r\n", superuser).errors] == [
        "Row 2: the file has no talks"
    ]


def test_csv_import_refuses_duplicates_and_taken_slugs(superuser):
    other = TalkFactory(slug="taken")
    uid = uuid.uuid4()
    text = csv_text(
        f"{uid},a,One,draft,2026-12-08T12:00:00Z,,Test Seminar,,,,",
        f"{uid},a,Two,draft,2026-12-08T12:00:00Z,,Test Seminar,,,,",
        ",taken,Three,draft,2026-12-08T12:00:00Z,,Test Seminar,X; X,,,",
    )

    assert [str(error) for error in read_import(text, superuser).errors] == [
        f"Row 3: uid {uid} is also on row 2",
        "Row 3: slug “a” is also on row 2",
        "Row 4: a speaker is listed twice",
    ]
    text = csv_text(",taken,Three,draft,2026-12-08T12:00:00Z,,Test Seminar,,,,")
    assert [str(error) for error in read_import(text, superuser).errors] == [
        "Row 2: slug “taken” belongs to another talk"
    ]
    assert other.slug == "taken"


def test_csv_import_refuses_a_speaker_name_it_cannot_tell_apart(superuser):
    SpeakerFactory(name="Sam Lee", affiliation=AffiliationFactory(name="Lab A"))
    SpeakerFactory(name="Sam Lee", affiliation=AffiliationFactory(name="Lab B"))
    rows = (
        ",,One,draft,2026-12-08T12:00:00Z,,Test Seminar,Sam Lee (Lab B),,,",
        ",,Two,draft,2026-12-08T12:00:00Z,,Test Seminar,Sam Lee (Lab C),,,",
    )

    assert [str(error) for error in read_import(csv_text(*rows), superuser).errors] == [
        "Row 3: several speakers are called “Sam Lee”; give one of them another name in the "
        "admin first"
    ]


def test_csv_import_by_an_organiser_stays_in_their_series(client):
    organiser = organiser_of(SeriesFactory(name="Series A"))
    talk_b = TalkFactory(series=SeriesFactory(name="Series B"))
    text = csv_text(
        ",,Mine,draft,2026-12-08T12:00:00Z,,Series A,,,,",
        ",,Theirs,draft,2026-12-08T12:00:00Z,,Series B,,,,",
        ",,New,draft,2026-12-08T12:00:00Z,,Series N,,,,",
        f"{talk_b.uid},,Moved,draft,2026-12-08T12:00:00Z,,Series A,,,,",
    )

    assert [str(error) for error in read_import(text, organiser).errors] == [
        "Row 3: you do not organise the series “Series B”",
        "Row 4: there is no series “Series N” (and you may not add one)",
        f"Row 5: uid {talk_b.uid} is a talk of a series you do not organise",
    ]
    client.force_login(organiser)
    response = client.post(
        reverse("admin:seminars_talk_import"),
        {"csv": base64.b64encode(text.encode()).decode(), "confirm": "Import"},
    )
    assert response.status_code == 200
    assert len(response.context["errors"]) == 3
    assert sorted(Talk.objects.values_list("title", flat=True)) == [talk_b.title]


def test_csv_import_needs_the_permission_to_add_what_it_creates():
    user = get_user_model().objects.create(username="viewer", is_staff=True)
    SeriesFactory(name="Series A").organisers.add(user)
    SpeakerFactory(name="Known Person", affiliation=AffiliationFactory(name="Known Lab"))
    text = csv_text(
        ",,One,draft,2026-12-08T12:00:00Z,,Series A,Known Person (Known Lab),Seminar,,",
        ",,Two,draft,2026-12-08T12:00:00Z,,Series A,New Person (New Lab),New tag,,",
    )

    assert [str(error) for error in read_import(text, user).errors] == [
        "Row 3: there is no speaker “New Person” (and you may not add one)",
        "Row 3: there is no affiliation “New Lab” (and you may not add one)",
        "Row 3: there is no event type “New tag” (and you may not add one)",
    ]


def test_csv_import_view_refuses_a_file_that_is_not_utf8(staff_client):
    upload = SimpleUploadedFile("talks.csv", "Zürich".encode("latin-1"))

    response = staff_client.post(reverse("admin:seminars_talk_import"), {"file": upload})

    assert response.context["form"].errors == {
        "file": ["The file is not UTF-8 text: save it as “CSV UTF-8”."]
    }


def test_csv_import_view_refuses_a_damaged_confirmation(staff_client):
    response = staff_client.post(
        reverse("admin:seminars_talk_import"), {"csv": "not base64!", "confirm": "Import"}
    )

    assert response.context["errors"] == ["The file came back damaged: upload it again."]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Ada One", SpeakerCell("Ada One", "")),
        ("Ada One (MIT)", SpeakerCell("Ada One", "MIT")),
        ("Ada One (ETH (Zurich))", SpeakerCell("Ada One", "ETH (Zurich)")),
        ("Ada (Ace) One (MIT)", SpeakerCell("Ada (Ace) One", "MIT")),
    ],
)
def test_parse_speaker_reads_name_and_affiliation(text, speaker):
    assert parse_speaker(text) == speaker


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(MIT)", "the speaker “(MIT)” has no name before the parentheses"),
        ("Ada MIT)", "the parentheses of the speaker “Ada MIT)” do not match"),
    ],
)
def test_parse_speaker_refuses_unmatched_parentheses(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_speaker(text)


def test_csv_import_of_an_older_export_without_the_optional_columns(superuser):
    SeriesFactory(name="Systems Seminar", default_location="Room 101")
    text = (
        "uid,slug,title,status,start,end,series\r\n"
        ",short,Short file,published,2026-12-08T12:00:00-05:00,,Systems Seminar\r\n"
    )

    result = import_talks(text, superuser)

    talk = Talk.objects.with_speakers().get()
    assert [created.pk for created in result.created] == [talk.pk]
    assert (talk.slug, talk.title, talk.status, talk.start, talk.end) == (
        "short",
        "Short file",
        Talk.Status.PUBLISHED,
        datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 8, 18, 0, tzinfo=datetime.UTC),
    )
    assert (talk.speaker_links(), list(talk.event_types.all())) == ([], [])
    assert (talk.location, talk.abstract) == ("Room 101", "")


def test_csv_import_reads_a_left_off_column_as_blank_cells(superuser):
    series = SeriesFactory()
    header = "uid,slug,title,status,start,end,series,speakers,event_types"
    text = f"{header}\r\n,,Talk,published,2026-12-08T12:00:00-05:00,,{series.name},Ada One,\r\n"

    result = import_talks(text, superuser)

    [talk] = result.created
    # As blank cells: a blank location is the series' default room, a blank abstract none.
    assert (talk.location, talk.abstract) == ("Room 101", "")


def test_csv_import_refuses_a_header_without_a_required_column(superuser):
    text = "uid,slug,title,status,start,end\r\n,,Talk,,2026-12-08T12:00:00Z,\r\n"

    assert [str(error) for error in read_import(text, superuser).errors] == [
        "Row 1: the header lacks the required column series (it is uid,slug,title,status,start,end)"
    ]
    assert [str(error) for error in read_import("uid,slug,title\r\n", superuser).errors] == [
        "Row 1: the header lacks the required columns status, start, end, series "
        "(it is uid,slug,title)"
    ]


def test_csv_import_refuses_a_row_shorter_than_a_short_header(superuser):
    text = "uid,slug,title,status,start,end,series\r\n,,Talk,,2026-12-08T12:00:00Z,\r\n"

    assert [str(error) for error in read_import(text, superuser).errors] == [
        "Row 2: it has 6 cells, the header 7"
    ]


@pytest.mark.parametrize(
    ("text", "exported"),
    [
        ("=1+1", "'=1+1"),
        ("+1 idea", "'+1 idea"),
        ("-5 ways", "'-5 ways"),
        ("-5", "'-5"),
        ("@home", "'@home"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturned", "'\rReturned"),
        ("'=already quoted", "''=already quoted"),
        ("''-twice", "'''-twice"),
        ("'plain quote", "'plain quote"),
        ("'", "'"),
        ("5-a-side", "5-a-side"),
        ("", ""),
    ],
)
def test_formula_escape_adds_one_quote_that_unescape_takes_off(text, exported):
    assert escape_formula(text) == exported
    assert unescape_formula(exported) == text


def test_csv_export_quotes_cells_a_spreadsheet_would_run_as_formulas(superuser):
    talk = TalkFactory(
        uid=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        slug="formulas",
        title='=HYPERLINK("https://evil.example","Click")',
        series=SeriesFactory(name="+Series"),
        location="@home",
        abstract="-5 ways\nto fail.",
        speakers=[SpeakerFactory(name="-Dash One", affiliation=None)],
        event_types=[EventTypeFactory(name="=Tag")],
    )

    text = talks_csv(Talk.objects.with_speakers().filter(pk=talk.pk))

    assert text == (
        f"{','.join(COLUMNS)}\r\n"
        "12345678-1234-5678-1234-567812345678,formulas,"
        '"\'=HYPERLINK(""https://evil.example"",""Click"")",published,'
        "2026-12-08T12:00:00-05:00,2026-12-08T13:00:00-05:00,'+Series,"
        "'-Dash One,'=Tag,'@home,"
        '"\'-5 ways\nto fail.",,0\r\n'
    )
    before = snapshot()
    empty_the_database()
    result = import_talks(text, superuser)
    assert (len(result.created), len(result.updated), result.unchanged) == (1, 0, 0)
    assert snapshot() == before


@pytest.mark.parametrize("title", ["-5 ways", "-5", "'=quoted by hand", "'-", "@"])
def test_csv_export_then_import_leaves_a_title_unchanged(superuser, title):
    talk = TalkFactory(title=title)
    text = talks_csv(Talk.objects.with_speakers())

    result = import_talks(text, superuser)

    assert (result.created, result.updated, result.unchanged) == ([], [], 1)
    talk.refresh_from_db()
    assert talk.title == title


def test_readme_csv_table_is_the_column_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    table = readme.split("| Column | In the file | What it holds |\n| --- | --- | --- |\n")[1]
    rows = table.split("\n\n")[0].splitlines()

    assert rows == [
        f"| `{column.name}` | {column.presence} | {column.help} |" for column in CSV_COLUMNS
    ]


def test_admin_import_page_lists_every_column(staff_client):
    response = staff_client.get(reverse("admin:seminars_talk_import"))

    assert response.context["columns"] == CSV_COLUMNS
    content = response.content.decode()
    assert [content.count(f"<td><code>{name}</code></td>") for name in COLUMNS] == [1] * len(
        COLUMNS
    )


def test_csv_venue_column_exports_and_imports_the_venue(superuser):
    talk = TalkFactory(venue=VenueFactory(name="=Hall A"), location="Room 2")
    text = talks_csv(Talk.objects.with_speakers().filter(pk=talk.pk))
    assert text.endswith(",Room 2,An abstract.,'=Hall A,0\r\n")
    moved = text.replace("'=Hall A", "Hall B")

    plan = read_import(moved, superuser)
    assert (plan.update_count, plan.new_venues) == (1, ["Hall B"])
    import_talks(moved, superuser)

    talk.refresh_from_db()
    assert (talk.venue.name, talk.location) == ("Hall B", "Room 2")
    assert read_import(moved, superuser).unchanged_count == 1
