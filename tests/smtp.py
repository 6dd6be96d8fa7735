"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1, an ephemeral port), and
the worker run that drains the mail queue into it."""

import email
import email.policy
import signal
import threading
from email.message import EmailMessage
from unittest import mock

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


class Inbox:
    """The SMTP handler: keep each message received, or refuse them while told to."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []
        self.refuse_with = ""
        # Keep only the recipients (for tens of thousands of messages), not each message.
        self.count_only = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        if self.count_only:
            return "250 OK"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


class EphemeralController(Controller):
    """aiosmtpd's controller, bound to port 0: the system picks a free port, read back
    before the controller checks that the server answers."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def text_of(message: EmailMessage) -> str:
    """Return the plain-text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def drain_mail_queue() -> None:
    """Run the worker until the queue is empty, as `manage.py db_worker --batch` does.

    The worker closes the connection between tasks when it is inside a transaction (as a
    test's is), which a real worker, in autocommit, never is: here it keeps it.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with mock.patch.object(db_worker, "close_old_connections", return_value=None):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
