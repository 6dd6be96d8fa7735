from django.urls import path

from speakers import views

app_name = "speakers"

urlpatterns = [
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path(
        "affiliations/<slug:slug>/",
        views.AffiliationDetailView.as_view(),
        name="affiliation-detail",
    ),
]
