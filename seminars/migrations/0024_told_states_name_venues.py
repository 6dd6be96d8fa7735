"""Rewrite what subscribers were told of a talk's place as its venue and room detail.

Change notices compare a talk's venue and room detail (seminars.mail.compose.TalkState);
states stored before venues said the location text, which 0020 turned into the venue of that
name. Without this, every talk someone was told of would look changed after the upgrade.
"""

from django.db import migrations

FORMAT = "v2"


def rewritten(text: str, venue_ids: dict[str, int]) -> str:
    if not text or text.startswith(f"{FORMAT}|"):
        return text
    start, end, status, location = text.split("|", 3)
    venue_id = venue_ids.get(location)
    if venue_id is not None:
        location = ""
    venue = "" if venue_id is None else str(venue_id)
    return "|".join((FORMAT, start, end, status, venue, location))[:300]


def written_back(text: str, venue_names: dict[int, str]) -> str:
    """Return the state as it was written before venues, as 0020 reversed writes locations."""
    _, start, end, status, venue_id, location = text.split("|", 5)
    name = venue_names.get(int(venue_id), "") if venue_id else ""
    location = ", ".join(part for part in (name, location) if part)
    return "|".join((start, end, status, location))[:300]


def rewrite_states(apps, rewrite, new_format: bool) -> None:
    for model, field in (("ToldState", "state"), ("Delivery", "previous_state")):
        rows = apps.get_model("seminars", model).objects.exclude(**{field: ""})
        in_new_format = {f"{field}__startswith": f"{FORMAT}|"}
        old = rows.filter(**in_new_format) if new_format else rows.exclude(**in_new_format)
        for pk, text in old.values_list("pk", field):
            rows.filter(pk=pk).update(**{field: rewrite(text)})


def to_venues(apps, schema_editor):
    Venue = apps.get_model("seminars", "Venue")
    venue_ids = dict(Venue.objects.values_list("name", "pk"))
    rewrite_states(apps, lambda text: rewritten(text, venue_ids), new_format=False)


def to_locations(apps, schema_editor):
    Venue = apps.get_model("seminars", "Venue")
    venue_names = dict(Venue.objects.values_list("pk", "name"))
    rewrite_states(apps, lambda text: written_back(text, venue_names), new_format=True)


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0023_venue_history_and_one_line_fields"),
    ]

    operations = [
        migrations.RunPython(to_venues, to_locations),
    ]
