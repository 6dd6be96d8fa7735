"""The speakers' index, a speaker's page, the affiliations' index and an affiliation's page."""

from django.views.generic import DetailView, ListView

from seminars.http.conditional import cacheable
from seminars.models import Talk
from seminars.pages.mixins import RenamedSlugRedirectMixin, TalksOfObjectMixin


@cacheable
class SpeakerListView(ListView):
    template_name = "speakers/speaker_list.html"

    def get_queryset(self):
        speakers = Talk.objects.public().speakers().select_related("affiliation")
        return sorted(speakers, key=lambda speaker: (speaker.sort_letter, speaker.sort_name))


@cacheable
class SpeakerDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    def get_queryset(self):
        return Talk.objects.public().speakers().select_related("affiliation")


@cacheable
class AffiliationListView(ListView):
    template_name = "speakers/affiliation_list.html"

    def get_queryset(self):
        return Talk.objects.public().affiliation_counts()


@cacheable
class AffiliationDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    def get_queryset(self):
        return Talk.objects.public().affiliations()

    def talks_of_object(self):
        talks = Talk.objects.public()
        return talks.filter(
            pk__in=talks.filter(talk_speakers__affiliation=self.object).values("pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            speakers=Talk.objects.public().speakers().filter(affiliation=self.object),
            **kwargs,
        )
