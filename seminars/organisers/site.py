"""The admin site of the seminars: named after the site, opening on the organiser's dashboard."""

from django.conf import settings
from django.contrib import admin
from django.utils import timezone

from seminars.organisers.dashboard import dashboard_for

# Apps whose models only superusers see (django-axes' login logs).
SUPERUSER_APPS = ("axes",)


class SeminarAdminSite(admin.AdminSite):
    index_template = "admin/dashboard.html"

    @property
    def site_header(self):
        return settings.SITE_NAME

    @property
    def site_title(self):
        return f"{settings.SITE_NAME} admin"

    @property
    def index_title(self):
        return "What needs doing"

    def index(self, request, extra_context=None):
        context = {"dashboard": dashboard_for(request.user, timezone.now())}
        return super().index(request, {**context, **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        # The login logs last: an organiser's own models come first.
        return sorted(apps, key=lambda app: app["app_label"] in SUPERUSER_APPS)
