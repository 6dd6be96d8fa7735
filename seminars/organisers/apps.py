from django.contrib.admin.apps import AdminConfig


class SeminarAdminConfig(AdminConfig):
    """Django's admin, with the seminars' own site (seminars/organisers/site.py)."""

    default_site = "seminars.organisers.site.SeminarAdminSite"
