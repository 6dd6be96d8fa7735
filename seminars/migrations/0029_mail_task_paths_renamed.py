"""Point queued mail tasks at the modules' new names.

The database task backend stores each task by its dotted path. seminars/mail/send.py became
list_announcements.py and deliver.py became outbox.py: a task queued before the upgrade would
otherwise fail to import when the worker runs it after, and its mail would wait for the next
cron run (or, for an announcement, be reported stuck). Schema and tables are unchanged.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

RENAMED = (
    ("seminars.mail.send.", "seminars.mail.list_announcements."),
    ("seminars.mail.deliver.", "seminars.mail.outbox."),
)


def rename(apps, pairs) -> None:
    task_results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for old, new in pairs:
        task_results.filter(task_path__startswith=old).update(
            task_path=Replace("task_path", Value(old), Value(new))
        )


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, [(new, old) for old, new in RENAMED])


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0028_organisers_materials_proposals_invitations"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
