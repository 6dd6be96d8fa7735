"""Let the "Seminar organisers" group see, add and change venues (not delete them: talks
of other series may meet there)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Seminar organisers"
CODENAMES = ("view_venue", "add_venue", "change_venue")


def allow_venues(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="seminars", codename__in=CODENAMES)
    )


def disallow_venues(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="seminars", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0020_location_strings_to_venues"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(allow_venues, disallow_venues),
    ]
