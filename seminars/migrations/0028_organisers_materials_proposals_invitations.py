"""Let the "Seminar organisers" group manage their talks' materials, review the speakers'
proposals and see the invitations: without these, only superusers could (the talk form's
materials were hidden from organisers and the proposals page refused them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Seminar organisers"
CODENAMES = (
    "view_material",
    "add_material",
    "change_material",
    "delete_material",
    "view_proposal",
    "change_proposal",
    "view_invitation",
)


def allow(apps, schema_editor):
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


def disallow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="seminars", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0027_speaker_invitations"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(allow, disallow),
    ]
