from django.apps import AppConfig


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = "Seminars"

    def ready(self):
        from seminars import signals

        signals.connect()
