"""What a failed send says, for logs and the admin: never the recipient's address."""

import smtplib


def describe_error(error: Exception, address: str) -> str:
    """Return what went wrong, without the recipient's address (SMTP errors quote it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"SMTPRecipientsRefused: the server refused the recipient ({codes})"
    text = f"{type(error).__name__}: {error}"
    return text.replace(address, "<recipient>")[:1000]
