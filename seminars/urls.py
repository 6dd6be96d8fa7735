from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from seminars.api import embeds as embed_views
from seminars.api import views as api
from seminars.api.openapi import openapi_json
from seminars.feeds import views as calendar_views
from seminars.feeds.rss import EventTypeTalksFeed, SeriesTalksFeed, UpcomingTalksFeed
from seminars.http.conditional import cacheable
from seminars.invitations.views import SpeakView
from seminars.mail import views as announcement_views
from seminars.materials.views import MaterialFileView
from seminars.pages import people, views
from seminars.pages.cards import talk_card
from seminars.pages.month import MonthView
from seminars.pages.sitemaps import SITEMAPS

app_name = "seminars"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("next/", views.NextTalkView.as_view(), name="next-talk"),
    path("talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path("talks/<slug:slug>/card.png", talk_card, name="talk-card"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/$",
        views.ArchiveYearView.as_view(),
        name="archive-year",
    ),
    path("calendar/", MonthView.as_view(), name="month-current"),
    re_path(
        r"^calendar/(?P<year>[0-9]{4})/(?P<month>0[1-9]|1[0-2])/$",
        MonthView.as_view(),
        name="month",
    ),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("tags/", views.EventTypeListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.EventTypeDetailView.as_view(), name="tag-detail"),
    path("series/<slug:slug>/feed/", SeriesTalksFeed(), name="series-rss"),
    path("tags/<slug:slug>/feed/", EventTypeTalksFeed(), name="tag-rss"),
    path(
        "talks/<slug:slug>/materials/<int:pk>/",
        MaterialFileView.as_view(),
        name="material-file",
    ),
    path("venues/", views.VenueListView.as_view(), name="venue-list"),
    path("venues/<slug:slug>/", views.VenueDetailView.as_view(), name="venue-detail"),
    path(
        "venues/<slug:slug>/calendar.ics",
        calendar_views.FeedView.as_view(filter_name="venues"),
        name="venue-calendar",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", UpcomingTalksFeed(), name="rss"),
    path("sitemap.xml", cacheable(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", views.favicon),
    path("calendar.ics", calendar_views.FeedView.as_view(), name="calendar"),
    path(
        "series/<slug:slug>/calendar.ics",
        calendar_views.FeedView.as_view(filter_name="series"),
        name="series-calendar",
    ),
    path(
        "tags/<slug:slug>/calendar.ics",
        calendar_views.FeedView.as_view(filter_name="tags"),
        name="tag-calendar",
    ),
    path(
        "speakers/<slug:slug>/calendar.ics",
        calendar_views.FeedView.as_view(filter_name="speakers"),
        name="speaker-calendar",
    ),
    path(
        "talks/<slug:slug>/calendar.ics",
        calendar_views.TalkCalendarView.as_view(),
        name="talk-calendar",
    ),
    path("subscribe/", calendar_views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/email/", announcement_views.SignupView.as_view(), name="email-signup"),
    path(
        "subscribe/email/sent/",
        announcement_views.SignupSentView.as_view(),
        name="email-signup-sent",
    ),
    path(
        "subscribe/email/confirm/<str:token>/",
        announcement_views.ConfirmView.as_view(),
        name="email-confirm",
    ),
    path(
        "subscribe/email/manage/<str:token>/",
        announcement_views.ManageView.as_view(),
        name="email-manage",
    ),
    path(
        "subscribe/email/unsubscribe/<str:token>/",
        announcement_views.UnsubscribeView.as_view(),
        name="email-unsubscribe",
    ),
    path("speak/<str:token>/", SpeakView.as_view(), name="speak"),
    path(
        "series/<slug:slug>/announcement.txt",
        announcement_views.SeriesAnnouncementView.as_view(),
        name="series-announcement",
    ),
    path("api/openapi.json", openapi_json, name="api-openapi"),
    path("api/talks/", api.TalkListApiView.as_view(), name="api-talk-list"),
    path("api/talks/<slug:slug>/", api.TalkDetailApiView.as_view(), name="api-talk-detail"),
    path("api/series/", api.SeriesListApiView.as_view(), name="api-series-list"),
    path(
        "api/speakers/<slug:slug>/",
        api.SpeakerDetailApiView.as_view(),
        name="api-speaker-detail",
    ),
    path("embed/", embed_views.EmbedHelpView.as_view(), name="embed-help"),
    path("embed/upcoming/", embed_views.EmbedTalksView.as_view(), name="embed-upcoming"),
    path("embed/past/", embed_views.EmbedTalksView.as_view(when="past"), name="embed-past"),
]

# The speakers' pages list talks, so `seminars` serves them; their names keep the `speakers`
# namespace that Speaker.get_absolute_url() reverses (the apps depend one way: seminars →
# speakers).
people_urlpatterns = (
    [
        path("speakers/", people.SpeakerListView.as_view(), name="speaker-list"),
        path("speakers/<slug:slug>/", people.SpeakerDetailView.as_view(), name="speaker-detail"),
        path("affiliations/", people.AffiliationListView.as_view(), name="affiliation-list"),
        path(
            "affiliations/<slug:slug>/",
            people.AffiliationDetailView.as_view(),
            name="affiliation-detail",
        ),
    ],
    "speakers",
)
