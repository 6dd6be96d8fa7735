from django.db import migrations

DEFAULT_EVENT_TYPES = [
    ("Seminar", "seminar", "A talk by one or more invited speakers."),
    ("Round table", "round-table", "An open discussion with no single speaker."),
    ("Digest talk", "digest-talk", "A digest of the research presented at a recent conference."),
    ("Special event", "special-event", "A one-off event outside the usual format."),
    ("Tech week", "tech-week", "Part of a city-wide tech week."),
]


def create_default_event_types(apps, schema_editor):
    EventType = apps.get_model("seminars", "EventType")
    for name, slug, description in DEFAULT_EVENT_TYPES:
        EventType.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("seminars", "0002_initial")]

    operations = [
        migrations.RunPython(create_default_event_types, migrations.RunPython.noop),
    ]
