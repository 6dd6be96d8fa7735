from django.apps import AppConfig


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = "Seminars"

    def ready(self):
        from django.db.models.signals import post_migrate

        from seminars import signals
        from seminars.pages.search import ensure_sqlite_search

        signals.connect()
        # Infrastructure, not domain logic: the search index outlives table rebuilds.
        post_migrate.connect(ensure_sqlite_search, sender=self)
