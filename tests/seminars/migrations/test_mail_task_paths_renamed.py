"""Migration 0029: a mail task queued by the code before the mail modules were renamed
(send.py, deliver.py) is still sent by the worker after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks_db.models import DBTaskResult

from seminars.mail.outbox import deliver_queued_mail
from seminars.mail.subscriptions import request_subscription
from tests.smtp import drain_mail_queue

BEFORE = [("seminars", "0028_organisers_materials_proposals_invitations")]
AFTER = [("seminars", "0029_mail_task_paths_renamed")]
OLD_PATH = "seminars.mail.deliver.deliver_queued_mail"


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def before_the_rename():
    migrate(BEFORE)
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_under_the_old_module_name_still_sends_its_mail(
    before_the_rename, smtp_server
):
    # 0029 changes no table: the models of today read and write the 0028 schema.
    request_subscription(
        "reader@example.org",
        everything=True,
        series=[],
        event_types=[],
        frequency="talk",
        client="198.51.100.7",
    )
    DBTaskResult.objects.update(task_path=OLD_PATH)  # as the old code enqueued it

    migrate(AFTER)

    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        deliver_queued_mail.module_path
    ]
    drain_mail_queue()
    assert [message["To"] for message in smtp_server.messages] == ["reader@example.org"]

    migrate(BEFORE)

    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [OLD_PATH]
