"""Talks as CSV: export, and an import that checks every row before it writes any.

CSV_COLUMNS is the one list of the columns: the header, the export, the parser, the import
page's help and the README's table all come from it. Optional columns may be left off the end
of a file (an older export still imports); a column left off reads as blank cells.

read_import() parses and checks (reading the database, writing nothing); import_talks() is
the one service that writes, in one transaction.
"""

import csv
import datetime
import hashlib
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from seminars import formatting
from seminars.models import EventType, Series, Talk, TalkSpeaker, Venue, validate_talk_moment
from seminars.signals import one_bump
from speakers.fields import CONTROL_CHARACTERS
from speakers.history import record_version
from speakers.markdown import markdown_to_text
from speakers.models import Affiliation, RetiredSlug, Speaker
from speakers.services import retire_slug
from speakers.slugs import RETIRED_SLUG_PROBLEM, SLUG_MAX_LENGTH, assign_unique_slugs

LIST_SEPARATOR = ";"
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"): the export puts a ' in front, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"
# Past this size an import is better split: the preview posts the file back in the form.
# The preview posts the file back base64-encoded (4/3 larger): stay under Django's 2.5 MB
# DATA_UPLOAD_MAX_MEMORY_SIZE with room for the rest of the form.
MAX_IMPORT_BYTES = 1_500_000
MAX_LENGTHS = {
    "title": Talk._meta.get_field("title").max_length,
    "location": Talk._meta.get_field("location").max_length,
    "venue": Venue._meta.get_field("name").max_length,
    "series": Series._meta.get_field("name").max_length,
    "speaker": Speaker._meta.get_field("name").max_length,
    "affiliation": Affiliation._meta.get_field("name").max_length,
    "event type": EventType._meta.get_field("name").max_length,
}


# Cells: how a talk's value is written, and how a cell is read on its own


@dataclass(frozen=True)
class SpeakerCell:
    name: str
    affiliation: str  # "" for none


class CellError(ValueError):
    """What is wrong with one cell: one or more problems, each a sentence fragment."""

    def __init__(self, *problems: str):
        super().__init__("; ".join(problems))
        self.problems = problems


def speaker_text(name: str, affiliation: str) -> str:
    """Return "Name (Affiliation)", or "Name" without an affiliation."""
    return formatting.speaker_credit(name, affiliation)


def speakers_cell(talk: Talk) -> str:
    """Return "Name (Affiliation); Name" for the talk's speakers, in order."""
    return "; ".join(formatting.link_credit(link) for link in talk.speaker_links())


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def length_problems(label: str, values: Iterable[str]) -> list[str]:
    """Return the problem of a value of `values` longer than the database holds, if any."""
    limit = MAX_LENGTHS[label]
    return (
        [f"a {label} is longer than {limit} characters"]
        if any(len(value) > limit for value in values)
        else []
    )


def parse_speaker(text: str) -> SpeakerCell:
    """Return the speaker of "Name (Affiliation)" or "Name"; an affiliation may itself hold
    parentheses ("Name (ETH (Zurich))")."""
    if not text.endswith(")"):
        return SpeakerCell(text, "")
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            name, affiliation = text[:index].strip(), text[index + 1 : -1].strip()
            if not name:
                raise ValueError(f"the speaker “{text}” has no name before the parentheses")
            return SpeakerCell(name, affiliation)
    raise ValueError(f"the parentheses of the speaker “{text}” do not match")


def parse_moment(text: str, column: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CellError(
            f"{column} “{text}” is not an ISO 8601 date and time such as 2026-12-08T12:00:00-05:00"
        ) from None
    if moment.utcoffset() is None:
        raise CellError(f"{column} “{text}” has no UTC offset (such as -05:00 or Z)")
    try:
        validate_talk_moment(moment)
    except ValidationError as error:
        raise CellError(f"{column} “{text}”: {error.messages[0]}") from None
    return moment


def parse_uid(text: str) -> uuid.UUID | None:
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CellError(f"uid “{text}” is not a UUID") from None


def parse_slug(text: str) -> str:
    problems = []
    if text:
        try:
            validate_slug(text)
        except ValidationError:
            problems.append(f"slug “{text}” may hold only letters, digits, - and _")
        if len(text) > SLUG_MAX_LENGTH:
            problems.append(f"slug is longer than {SLUG_MAX_LENGTH} characters")
    if problems:
        raise CellError(*problems)
    return text


def parse_title(text: str) -> str:
    if not text:
        raise CellError("the title is blank")
    if problems := length_problems("title", [text]):
        raise CellError(*problems)
    return text


STATUSES = frozenset(Talk.Status.values)


def parse_status(text: str) -> str:
    status = text or Talk.Status.DRAFT
    if status not in STATUSES:
        raise CellError(f"status “{status}” is not one of {', '.join(Talk.Status.values)}")
    return status


def parse_start(text: str) -> datetime.datetime:
    if not text:
        raise CellError("start is blank")
    return parse_moment(text, "start")


def parse_end(text: str) -> datetime.datetime | None:
    return parse_moment(text, "end") if text else None


def parse_series(text: str) -> str:
    if not text:
        raise CellError("series is blank")
    if problems := length_problems("series", [text]):
        raise CellError(*problems)
    return text


def parse_speakers(text: str) -> tuple[SpeakerCell, ...]:
    speakers, problems = [], []
    for item in split_list(text):
        try:
            speakers.append(parse_speaker(item))
        except ValueError as error:
            problems.append(str(error))
    if len({speaker.name for speaker in speakers}) < len(speakers):
        problems.append("a speaker is listed twice")
    problems += length_problems("speaker", [speaker.name for speaker in speakers])
    problems += length_problems("affiliation", [speaker.affiliation for speaker in speakers])
    if problems:
        raise CellError(*problems)
    return tuple(speakers)


def parse_event_types(text: str) -> tuple[str, ...]:
    names = split_list(text)
    if problems := length_problems("event type", names):
        raise CellError(*problems)
    return tuple(dict.fromkeys(names))


def parse_venue(text: str) -> str:
    if problems := length_problems("venue", [text]):
        raise CellError(*problems)
    return text


def parse_version(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise CellError(f"version “{text[:20]}” is not the number the export wrote")
    return int(text)


def parse_location(text: str) -> str:
    if problems := length_problems("location", [text]):
        raise CellError(*problems)
    return text


@dataclass(frozen=True)
class Column:
    """One CSV column: its header name, whether a file must have it, how a talk's value is
    exported, how a cell is parsed, and what it holds (for people)."""

    name: str
    required: bool  # An optional column may be left off the end of a file.
    export: Callable[[Talk], str]  # the talk is fetched with with_speakers()
    # From the cell's text, stripped ("" when blank or left off); raises CellError.
    parse: Callable[[str], Any]
    help: str

    @property
    def presence(self) -> str:
        return "required" if self.required else "optional"


CSV_COLUMNS = (
    Column(
        name="uid",
        required=True,
        export=lambda talk: str(talk.uid),
        parse=parse_uid,
        help="An existing talk's uid updates that talk; blank makes a new talk, with a new uid.",
    ),
    Column(
        name="slug",
        required=True,
        export=lambda talk: talk.slug,
        parse=parse_slug,
        help="The talk's address: blank keeps the current one (or makes one from the title); a "
        "change keeps the old address redirecting.",
    ),
    Column(
        name="title",
        required=True,
        export=lambda talk: talk.title,
        parse=parse_title,
        help="The title; never blank.",
    ),
    Column(
        name="status",
        required=True,
        export=lambda talk: talk.status,
        parse=parse_status,
        help="draft (also when blank), published or cancelled.",
    ),
    Column(
        name="start",
        required=True,
        export=lambda talk: talk.local_start.isoformat(),
        parse=parse_start,
        help="ISO 8601 with a UTC offset, such as 2026-12-08T12:00:00-05:00.",
    ),
    Column(
        name="end",
        required=True,
        export=lambda talk: talk.local_end.isoformat(),
        parse=parse_end,
        help="As start; blank is the series' default length.",
    ),
    Column(
        name="series",
        required=True,
        export=lambda talk: talk.series.name,
        parse=parse_series,
        help="The series' name, exactly. A new name makes a new series (superusers only; it "
        "gets the site's TIME_ZONE).",
    ),
    Column(
        name="speakers",
        required=False,
        export=speakers_cell,
        parse=parse_speakers,
        help="Name (Affiliation); Name (Affiliation), in order, with the affiliation the speaker "
        "had at the talk; Name alone for none. A name is matched exactly; when several speakers "
        "share it, the one whose current affiliation matches is used, else the row is refused.",
    ),
    Column(
        name="event_types",
        required=False,
        export=lambda talk: "; ".join(event_type.name for event_type in talk.event_types.all()),
        parse=parse_event_types,
        help="Names separated by ;.",
    ),
    Column(
        name="location",
        required=False,
        export=lambda talk: talk.location,
        parse=parse_location,
        help="The room within the venue (its room detail); blank with a blank venue is the "
        "series' default room.",
    ),
    Column(
        name="abstract",
        required=False,
        export=lambda talk: talk.abstract,
        parse=str,
        help="The abstract, in Markdown.",
    ),
    Column(
        name="venue",
        required=False,
        export=lambda talk: talk.venue.name if talk.venue_id else "",
        parse=parse_venue,
        help="The venue's name, exactly; a new name makes a new venue. Blank, with a blank "
        "location: the series' default venue and room.",
    ),
    Column(
        name="version",
        required=False,
        export=lambda talk: str(talk.edit_version),
        parse=parse_version,
        help="The talk's edit version when it was exported; leave it as it is. A row that "
        "changes an existing talk needs it, and is refused if the talk was changed since.",
    ),
)
COLUMNS = tuple(column.name for column in CSV_COLUMNS)


def starts_like_formula(text: str) -> bool:
    """Return whether `text`, after any quotes, starts as a spreadsheet formula does."""
    return text.lstrip(FORMULA_ESCAPE).startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """Return `text` with a ' in front when it starts like a formula, even after quotes (so
    that unescape_formula() gives back exactly `text`)."""
    return FORMULA_ESCAPE + text if starts_like_formula(text) else text


def unescape_formula(text: str) -> str:
    """Return `text` without the ' that escape_formula() put in front of it, if it did."""
    if text.startswith(FORMULA_ESCAPE) and starts_like_formula(text):
        return text.removeprefix(FORMULA_ESCAPE)
    return text


# Export


def talk_row(talk: Talk) -> dict[str, str]:
    """Return the CSV cells of `talk` (fetched with with_speakers()), escaped for spreadsheets."""
    return {column.name: escape_formula(column.export(talk)) for column in CSV_COLUMNS}


def talks_csv(talks: Iterable[Talk]) -> str:
    """Return `talks` (fetched with with_speakers()) as CSV text, a header row first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(talk_row(talk) for talk in talks)
    return out.getvalue()


# Parsing: each row on its own


@dataclass
class ImportRow:
    """One data row, parsed; `row` counts like a spreadsheet (the header is row 1)."""

    row: int
    uid: uuid.UUID | None
    slug: str
    title: str
    status: str
    start: datetime.datetime
    end: datetime.datetime | None
    series: str
    speakers: tuple[SpeakerCell, ...]
    event_types: tuple[str, ...]
    location: str
    abstract: str
    venue: str
    version: int | None
    talk: Talk | None = None  # the talk with this uid, which the row updates
    action: str = "create"  # "create", "update" or "unchanged"
    # A new talk's uid is made from the file and the row (file_uid): a second submit of the
    # same file finds the talk the first made, and leaves it alone.
    uid_from_file: bool = False


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self):
        return f"Row {self.row}: {self.message}"


class InvalidImport(Exception):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


def parse_row(number: int, cells: dict[str, str]) -> tuple[ImportRow | None, list[str]]:
    """Return the parsed row, or None and what is wrong with it (every problem). A column
    missing from `cells` (left off the file) reads as a blank cell."""
    blocked = [column for column, value in cells.items() if "\x00" in value]
    if blocked:
        return None, [f"{', '.join(blocked)} holds a NUL character, which cannot be stored"]
    values, problems = {}, []
    broken = [
        name
        for name in COLUMNS
        if name != "abstract" and CONTROL_CHARACTERS.search(cells.get(name, ""))
    ]
    if broken:
        problems.append(
            f"{', '.join(broken)} holds a line break or another control character; "
            "only the abstract may have several lines"
        )
    for column in CSV_COLUMNS:
        try:
            values[column.name] = column.parse(cells.get(column.name, ""))
        except CellError as error:
            problems.extend(error.problems)
    start, end = values.get("start"), values.get("end")
    if start is not None and end is not None and end <= start:
        problems.append("end is not after start")
    if problems:
        return None, problems
    return ImportRow(row=number, **values), []


def header_problem(header: list[str]) -> str | None:
    """Return what is wrong with a file's `header`: it must name the columns in order, and
    may leave off optional ones at the end."""
    if tuple(header) == COLUMNS[: len(header)]:
        missing = [column.name for column in CSV_COLUMNS[len(header) :] if column.required]
        if not missing:
            return None
        if header:
            plural = "s" if len(missing) > 1 else ""
            return (
                f"the header lacks the required column{plural} {', '.join(missing)} "
                f"(it is {','.join(header)})"
            )
    return f"the header must be exactly {','.join(COLUMNS)} (it is {','.join(header)})"


def parse_csv(text: str) -> tuple[list[ImportRow], list[RowError]]:
    """Return the rows of CSV `text` and what is wrong with the bad ones."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if (problem := header_problem(header)) is not None:
            return [], [RowError(1, problem)]
        rows, errors = [], []
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                errors.append(
                    RowError(number, f"it has {len(values)} cells, the header {len(header)}")
                )
                continue
            cells = {
                name: unescape_formula(value.strip())
                for name, value in zip(header, values, strict=True)
            }
            row, problems = parse_row(number, cells)
            errors.extend(RowError(number, problem) for problem in problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        return [], [RowError(reader.line_num, f"the file is not valid CSV ({error})")]
    return rows, errors


# Checking the rows against the database


@dataclass
class ImportPlan:
    """What importing a file would do, or why it cannot."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_series: list[str] = field(default_factory=list)
    new_speakers: list[str] = field(default_factory=list)
    new_affiliations: list[str] = field(default_factory=list)
    new_event_types: list[str] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(row.action == "create" for row in self.rows)

    @property
    def update_count(self) -> int:
        return sum(row.action == "update" for row in self.rows)

    @property
    def unchanged_count(self) -> int:
        return sum(row.action == "unchanged" for row in self.rows)


def new_names(wanted: Iterable[str], existing: Iterable[str]) -> list[str]:
    return sorted(set(wanted) - set(existing))


def find_speakers(rows: list[ImportRow]) -> tuple[dict[SpeakerCell, Speaker], dict[int, str]]:
    """Return the existing speaker each speaker cell names, and the problems by row.

    A name is matched exactly; when several speakers share it, the one whose current
    affiliation is the cell's is taken, and the row is refused if that does not decide.
    """
    cells = {cell for row in rows for cell in row.speakers}
    by_name: dict[str, list[Speaker]] = {}
    for speaker in Speaker.objects.filter(name__in={cell.name for cell in cells}).select_related(
        "affiliation"
    ):
        by_name.setdefault(speaker.name, []).append(speaker)
    found, ambiguous = {}, set()
    for cell in cells:
        candidates = by_name.get(cell.name, [])
        if len(candidates) > 1:
            candidates = [
                speaker
                for speaker in candidates
                if (speaker.affiliation.name if speaker.affiliation else "") == cell.affiliation
            ]
            if len(candidates) != 1:
                ambiguous.add(cell)
                continue
        if candidates:
            found[cell] = candidates[0]
    problems = {
        row.row: f"several speakers are called “{cell.name}”; give one of them another name "
        "in the admin first"
        for row in rows
        for cell in row.speakers
        if cell in ambiguous
    }
    return found, problems


def links_unchanged(row: ImportRow, talk: Talk) -> bool:
    """Return whether `row` gives `talk` (fetched with with_speakers()) the speakers and event
    types it has."""
    return speakers_cell(talk) == "; ".join(
        speaker_text(cell.name, cell.affiliation) for cell in row.speakers
    ) and sorted(event_type.name for event_type in talk.event_types.all()) == sorted(
        row.event_types
    )


def row_action(row: ImportRow, talk: Talk, series: Series | None) -> str:
    """Return "update" if importing `row` changes `talk`, else "unchanged"."""
    if series is None or series.pk != talk.series_id:
        return "update"
    end = row.end or row.start + series.default_duration
    stored = (
        talk.slug,
        talk.title,
        talk.status,
        talk.start,
        talk.end,
        talk.venue.name if talk.venue_id else "",
        talk.location,
        talk.abstract,
        speakers_cell(talk),
        sorted(event_type.name for event_type in talk.event_types.all()),
    )
    imported = (
        row.slug or talk.slug,
        row.title,
        row.status,
        row.start,
        end,
        *(
            (row.venue, row.location)
            if row.venue or row.location
            else (
                series.default_venue.name if series.default_venue_id else "",
                series.default_location,
            )
        ),
        row.abstract,
        "; ".join(speaker_text(cell.name, cell.affiliation) for cell in row.speakers),
        sorted(row.event_types),
    )
    return "unchanged" if stored == imported else "update"


def file_uid(file_digest: str, row: int) -> uuid.UUID:
    """Return the uid of the new talk that row `row` of the file (of SHA-256 `file_digest`)
    makes."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"csv-import:{file_digest}:{row}")


def read_import(text: str, user, *, lock: bool = False) -> ImportPlan:
    """Parse CSV `text` and check every row against the database for `user`; write nothing.

    With `lock` (inside the import's transaction), the talks the file names stay locked until
    it commits, so that no edit slips in between the check and the write.
    """
    rows, errors = parse_csv(text)
    plan = ImportPlan(rows=rows, errors=errors)
    if not rows:
        if not errors:
            plan.errors.append(RowError(2, "the file has no talks"))
        return plan
    problems: dict[int, list[str]] = {}

    def refuse(row: ImportRow, message: str) -> None:
        problems.setdefault(row.row, []).append(message)

    file_digest = hashlib.sha256(text.encode()).hexdigest()
    for row in rows:
        if row.uid is None:
            row.uid, row.uid_from_file = file_uid(file_digest, row.row), True
    named = Talk.objects.filter(uid__in={row.uid for row in rows})
    if lock:
        named = named.select_for_update(of=("self",))
    talks = {
        talk.uid: talk
        for talk in named.select_related("series__default_venue", "venue").with_speakers()
    }
    editable_talks = set(
        Talk.objects.editable_by(user).filter(uid__in=talks).values_list("pk", flat=True)
    )
    series_by_name = {
        series.name: series
        for series in Series.objects.select_related("default_venue").filter(
            name__in={row.series for row in rows}
        )
    }
    editable_series = set(
        Series.objects.editable_by(user)
        .filter(name__in=series_by_name)
        .values_list("pk", flat=True)
    )
    may_add_series = user.has_perm("seminars.add_series")
    slug_owners = dict(
        Talk.objects.filter(slug__in={row.slug for row in rows if row.slug}).values_list(
            "slug", "uid"
        )
    )
    retired_slugs = dict(
        RetiredSlug.objects.for_model(Talk)
        .filter(slug__in={row.slug for row in rows if row.slug})
        .values_list("slug", "object_id")
    )
    seen_uids: dict[uuid.UUID, int] = {}
    seen_slugs: dict[str, int] = {}
    for row in rows:
        row.talk = talks.get(row.uid)
        if row.uid_from_file and row.talk is not None:
            # Made by an earlier submit of this very file: nothing more to do.
            row.action = "unchanged"
            continue
        if not row.uid_from_file:
            if row.uid in seen_uids:
                refuse(row, f"uid {row.uid} is also on row {seen_uids[row.uid]}")
            seen_uids.setdefault(row.uid, row.row)
            if row.talk is not None and row.talk.pk not in editable_talks:
                refuse(row, f"uid {row.uid} is a talk of a series you do not organise")
        if row.slug:
            if row.slug in seen_slugs:
                refuse(row, f"slug “{row.slug}” is also on row {seen_slugs[row.slug]}")
            seen_slugs.setdefault(row.slug, row.row)
            owner = slug_owners.get(row.slug)
            if owner is not None and owner != row.uid:
                refuse(row, f"slug “{row.slug}” belongs to another talk")
            retired_for = retired_slugs.get(row.slug)
            if retired_for is not None and (row.talk is None or row.talk.pk != retired_for):
                refuse(row, f"slug “{row.slug}” {RETIRED_SLUG_PROBLEM}")
        series = series_by_name.get(row.series)
        if series is not None and series.pk not in editable_series:
            refuse(row, f"you do not organise the series “{row.series}”")
        if series is None and not may_add_series:
            refuse(row, f"there is no series “{row.series}” (and you may not add one)")
    found_speakers, speaker_problems = find_speakers(rows)
    affiliations = {cell.affiliation for row in rows for cell in row.speakers if cell.affiliation}
    event_types = {name for row in rows for name in row.event_types}
    plan.new_series = new_names((row.series for row in rows), series_by_name)
    plan.new_speakers = new_names(
        (cell.name for row in rows for cell in row.speakers),
        (speaker.name for speaker in found_speakers.values()),
    )
    plan.new_affiliations = new_names(
        affiliations,
        Affiliation.objects.filter(name__in=affiliations).values_list("name", flat=True),
    )
    plan.new_event_types = new_names(
        event_types, EventType.objects.filter(name__in=event_types).values_list("name", flat=True)
    )
    venues = {row.venue for row in rows if row.venue}
    plan.new_venues = new_names(
        venues, Venue.objects.filter(name__in=venues).values_list("name", flat=True)
    )
    missing_permissions = [
        (label, set(names))
        for label, names, permission in (
            ("speaker", plan.new_speakers, "speakers.add_speaker"),
            ("affiliation", plan.new_affiliations, "speakers.add_affiliation"),
            ("event type", plan.new_event_types, "seminars.add_eventtype"),
            ("venue", plan.new_venues, "seminars.add_venue"),
        )
        if names and not user.has_perm(permission)
    ]
    for row in rows:
        if row.row in speaker_problems:
            refuse(row, speaker_problems[row.row])
        named = {
            "speaker": {cell.name for cell in row.speakers},
            "affiliation": {cell.affiliation for cell in row.speakers},
            "event type": set(row.event_types),
            "venue": {row.venue},
        }
        for label, names in missing_permissions:
            for name in sorted(named[label] & names):
                refuse(row, f"there is no {label} “{name}” (and you may not add one)")
        if row.talk is not None and not row.uid_from_file:
            row.action = row_action(row, row.talk, series_by_name.get(row.series))
            if row.row in problems:
                pass  # refused already: the version is beside the point
            elif row.action == "update" and row.version is None:
                refuse(
                    row,
                    f"it changes the talk “{row.talk.title}” but has no version: export "
                    "the talk again and make the change in that file",
                )
            elif row.action == "update" and row.version != row.talk.edit_version:
                refuse(
                    row,
                    f"the talk “{row.talk.title}” was changed after this file was exported "
                    "(its version is now "
                    f"{row.talk.edit_version}, the file's {row.version}); importing the row "
                    "would undo that change: export the talk again and redo yours",
                )
    plan.errors = sorted(
        [*errors, *(RowError(number, m) for number, ms in problems.items() for m in ms)],
        key=lambda error: error.row,
    )
    return plan


# Writing


@dataclass
class ImportResult:
    created: list[Talk]
    updated: list[Talk]
    unchanged: int


WRITE_BATCH = 500  # rows per INSERT or UPDATE statement (SQLite allows 32,766 variables)


def import_talks(text: str, user) -> ImportResult:
    """Import the talks of CSV `text` for `user`, all in one transaction, creating the
    missing series, speakers, affiliations and event types; raise InvalidImport (naming every
    bad row) and import nothing if any row is bad.

    The transaction holds everything: the talks, the admin history of each (as `user`) and
    the one bump of the content version, so that an import is stored whole or not at all.
    A second submit of the same file imports nothing again: its new talks have uids made
    from the file (file_uid), which the second finds; if both ran at once, the later one
    fails on the uid's uniqueness, and reads the file again once the first has committed.
    """
    try:
        return write_import(text, user)
    except IntegrityError:
        return write_import(text, user)


@transaction.atomic
def write_import(text: str, user) -> ImportResult:
    """Check and import `text` for `user` in one transaction (see import_talks)."""
    plan = read_import(text, user, lock=True)
    if plan.errors:
        raise InvalidImport(plan.errors)
    now = timezone.now()
    with one_bump():
        affiliations = {
            affiliation.name: affiliation
            for affiliation in Affiliation.objects.filter(
                name__in={cell.affiliation for row in plan.rows for cell in row.speakers}
            )
        }
        affiliations |= {
            affiliation.name: affiliation
            for affiliation in create_slugged(
                Affiliation(name=name) for name in plan.new_affiliations
            )
        }
        speakers, _ = find_speakers(plan.rows)
        new_speakers: dict[str, Speaker] = {}
        for row in plan.rows:
            for cell in row.speakers:
                if cell not in speakers and cell.name not in new_speakers:
                    new_speakers[cell.name] = Speaker(
                        name=cell.name, affiliation=affiliations.get(cell.affiliation)
                    )
        create_slugged(new_speakers.values())
        event_types = {
            event_type.name: event_type
            for event_type in EventType.objects.filter(
                name__in={name for row in plan.rows for name in row.event_types}
            )
        }
        for name in plan.new_event_types:
            event_types[name] = EventType.objects.create(name=name)
        venues = {
            venue.name: venue
            for venue in Venue.objects.filter(name__in={row.venue for row in plan.rows})
        }
        for name in plan.new_venues:
            venues[name] = Venue.objects.create(name=name)
        series_by_name = {
            series.name: series
            for series in Series.objects.filter(name__in={row.series for row in plan.rows})
        }
        for name in plan.new_series:
            series_by_name[name] = Series.objects.create(name=name)
            if not user.is_superuser:
                series_by_name[name].organisers.add(user)

        relinked: list[tuple[ImportRow, Talk]] = []  # whose speakers or event types change
        created, updated, renamed = [], [], []
        for row in (row for row in plan.rows if row.action != "unchanged"):
            links_change = row.talk is None or not links_unchanged(row, row.talk)
            talk = row.talk or Talk(uid=row.uid, created=now)
            stored = {name: getattr(talk, name) for name in Talk.SEQUENCE_FIELDS}
            old_slug = talk.slug
            talk.slug = row.slug or talk.slug
            talk.title = row.title
            talk.status = row.status
            talk.series = series_by_name[row.series]
            talk.start = row.start
            talk.end = row.end  # None: the series' default length
            talk.venue = venues.get(row.venue)
            talk.location = row.location
            talk.abstract = row.abstract
            talk.abstract_text = markdown_to_text(row.abstract)  # as Talk.save() makes it
            talk.updated = now
            talk.apply_series_defaults()
            if links_change:
                relinked.append((row, talk))
            if row.talk is None:
                created.append(talk)
            else:
                talk.record_edit(stored)
                updated.append(talk)
                if old_slug != talk.slug:
                    renamed.append((talk, old_slug))
        create_slugged(created)
        update_talks(updated, TALK_WRITTEN_FIELDS)
        for talk, old_slug in renamed:
            retire_slug(talk, old_slug)
        write_links(relinked, speakers, new_speakers, affiliations, event_types)
        log_import(user, created, updated)
    return ImportResult(created=created, updated=updated, unchanged=plan.unchanged_count)


# What an import writes on an existing talk (bulk_update), besides its slug-free relations.
TALK_WRITTEN_FIELDS = (
    "slug",
    "title",
    "status",
    "series",
    "start",
    "end",
    "venue",
    "location",
    "abstract",
    "abstract_text",
    "updated",
    "edit_version",
    "sequence",
    "previous_start",
)


def update_talks(talks: list[Talk], names: Iterable[str]) -> None:
    """Write the fields `names` of `talks` with one prepared UPDATE run for each talk.

    QuerySet.bulk_update() builds a CASE expression per field and row in Python, which
    takes minutes for ten thousand talks; executemany() takes a second or two.
    """
    if not talks:
        return
    fields = [Talk._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Talk._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [
                    field.get_db_prep_save(getattr(talk, field.attname), connection)
                    for field in fields
                ]
                + [talk.pk]
                for talk in talks
            ],
        )


def create_slugged(instances: Iterable) -> list:
    """Store new `instances` of one slugged model at once, each with a unique slug."""
    instances = list(instances)
    assign_unique_slugs(instances)
    if instances:
        type(instances[0]).objects.bulk_create(instances, batch_size=WRITE_BATCH)
    return instances


def write_links(
    relinked: list[tuple[ImportRow, Talk]],
    speakers: dict[SpeakerCell, Speaker],
    new_speakers: dict[str, Speaker],
    affiliations: dict[str, Affiliation],
    event_types: dict[str, EventType],
) -> None:
    """Set the speakers (in order) and event types of the `relinked` talks.

    A speaker who stays on a talk keeps their link, and with it their invitation (answer,
    consent, note); only the speakers the file drops lose theirs."""
    updated = [talk.pk for row, talk in relinked if row.talk is not None]
    current = {
        (link.talk_id, link.speaker_id): link
        for link in TalkSpeaker.objects.filter(talk__in=updated)
    }
    tags = Talk.event_types.through
    tags.objects.filter(talk__in=updated).delete()
    kept, added, tagged = [], [], []
    for row, talk in relinked:
        for order, cell in enumerate(row.speakers):
            speaker = speakers.get(cell) or new_speakers[cell.name]
            # Without one in the cell, the speaker's current affiliation (as TalkSpeaker.save).
            affiliation = affiliations.get(cell.affiliation) if cell.affiliation else None
            affiliation_id = affiliation.pk if affiliation else speaker.affiliation_id
            link = current.pop((talk.pk, speaker.pk), None)
            if link is None:
                added.append(
                    TalkSpeaker(
                        talk=talk, speaker=speaker, affiliation_id=affiliation_id, order=order
                    )
                )
            else:
                link.affiliation_id, link.order = affiliation_id, order
                kept.append(link)
        tagged += [tags(talk=talk, eventtype=event_types[name]) for name in row.event_types]
    TalkSpeaker.objects.filter(pk__in=[link.pk for link in current.values()]).delete()
    TalkSpeaker.objects.bulk_update(kept, ["affiliation", "order"], batch_size=WRITE_BATCH)
    TalkSpeaker.objects.bulk_create(added, batch_size=WRITE_BATCH)
    tags.objects.bulk_create(tagged, batch_size=WRITE_BATCH)


def log_import(user, created: list[Talk], updated: list[Talk]) -> None:
    """Write the admin history of an import: who added or changed each talk."""
    if created:
        LogEntry.objects.log_actions(user.pk, created, ADDITION, "Imported from CSV.")
    if updated:
        LogEntry.objects.log_actions(user.pk, updated, CHANGE, "Updated by a CSV import.")
    # Each talk's version, with the speakers and tags the import wrote, by the importing user.
    for talk in created:
        record_version(talk, user, "Imported from CSV", created=True)
    for talk in updated:
        record_version(talk, user, "Imported from CSV")
