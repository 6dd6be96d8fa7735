"""A structured log line that log collectors parse without configuration (logfmt)."""

import logging


def _quote(value: object) -> str:
    text = str(value)
    if not text or any(character in text for character in ' "=\n'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class LogfmtFormatter(logging.Formatter):
    """Format a record as `time=… level=… logger=… [method=… path=… status=…] message=…`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            fields["method"] = request.method
            fields["path"] = request.path
        if hasattr(record, "status_code"):
            fields["status"] = record.status_code
        fields["message"] = record.getMessage()
        line = " ".join(f"{key}={_quote(value)}" for key, value in fields.items())
        if record.exc_info:
            line += " traceback=" + _quote(self.formatException(record.exc_info))
        return line
