from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Seminar organisers"
# Organisers edit their own series (not add or delete one) and its talks, and share the
# speakers, affiliations and event types with the other series (no deleting those).
# The admin limits the series and talks to those they organise.
PERMISSIONS = {
    "seminars": (
        "view_series",
        "change_series",
        "view_talk",
        "add_talk",
        "change_talk",
        "delete_talk",
        "view_talkspeaker",
        "add_talkspeaker",
        "change_talkspeaker",
        "delete_talkspeaker",
        "view_eventtype",
        "add_eventtype",
        "change_eventtype",
        "view_announcement",
        "delete_announcement",
    ),
    "speakers": (
        "view_speaker",
        "add_speaker",
        "change_speaker",
        "view_affiliation",
        "add_affiliation",
        "change_affiliation",
    ),
}


def create_organisers_group(apps, schema_editor):
    # On a fresh database the permissions are made by post_migrate, after every migration:
    # make them now so that the group can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        found = set(permissions.values_list("codename", flat=True))
        missing = set(codenames) - found
        if missing:
            raise RuntimeError(f"Missing permissions: {sorted(missing)}")
        group.permissions.add(*permissions)


def delete_organisers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0008_organisers_announcements"),
        ("speakers", "0002_speaker_photo_thumbnail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_organisers_group, delete_organisers_group),
    ]
