"""WSGI entry point: `gunicorn config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django is set up by get_wsgi_application() before the front door's module is imported.
application = get_wsgi_application()

from seminars.http.front import FrontDoorApplication  # noqa: E402

application = FrontDoorApplication(application)
