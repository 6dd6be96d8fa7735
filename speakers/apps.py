from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = "Speakers and affiliations"
