"""Turn each distinct free-text location of talks and series into a venue.

Only identical strings are merged: "Room 101", "room 101" and "Room  101" become three
venues, as nobody has said they are the same place (staff merge them in the admin). The
string moves into the venue's name and the talk's room detail is left blank, so nothing is
lost and nothing shows twice. Reversed, each talk's location is its venue's name again
("Venue, room detail" when it has both).
"""

from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Left
from django.utils.text import slugify

LOCATION_LENGTH = 200
SLUG_LENGTH = 80


def free_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:SLUG_LENGTH].strip("-") or "venue"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


def locations_to_venues(apps, schema_editor):
    Talk = apps.get_model("seminars", "Talk")
    Series = apps.get_model("seminars", "Series")
    Venue = apps.get_model("seminars", "Venue")
    names = set(Talk.objects.exclude(location="").values_list("location", flat=True))
    names |= set(
        Series.objects.exclude(default_location="").values_list("default_location", flat=True)
    )
    taken = set(Venue.objects.values_list("slug", flat=True))
    for name in sorted(names):
        venue = Venue.objects.filter(name=name).first() or Venue.objects.create(
            name=name, slug=free_slug(name, taken)
        )
        Talk.objects.filter(location=name, venue=None).update(venue=venue, location="")
        Series.objects.filter(default_location=name, default_venue=None).update(
            default_venue=venue, default_location=""
        )


def venues_to_locations(apps, schema_editor):
    Talk = apps.get_model("seminars", "Talk")
    Series = apps.get_model("seminars", "Series")
    Venue = apps.get_model("seminars", "Venue")
    for venue in Venue.objects.all():
        Talk.objects.filter(venue=venue, location="").update(location=venue.name, venue=None)
        Talk.objects.filter(venue=venue).update(
            location=Left(
                Concat(Value(f"{venue.name}, "), "location", output_field=CharField()),
                LOCATION_LENGTH,
            ),
            venue=None,
        )
        Series.objects.filter(default_venue=venue, default_location="").update(
            default_location=venue.name, default_venue=None
        )
        Series.objects.filter(default_venue=venue).update(
            default_location=Left(
                Concat(Value(f"{venue.name}, "), "default_location", output_field=CharField()),
                LOCATION_LENGTH,
            ),
            default_venue=None,
        )
    Venue.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0019_venues"),
    ]

    operations = [
        migrations.RunPython(locations_to_venues, venues_to_locations),
    ]
