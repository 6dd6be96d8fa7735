from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from seminars import views
from seminars.feeds import UpcomingTalksFeed
from seminars.sitemaps import SITEMAPS

app_name = "seminars"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("next/", views.NextTalkView.as_view(), name="next-talk"),
    path("talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    re_path(
        r"^archive/(?P<year>[1-9][0-9]{3})/$",
        views.ArchiveYearView.as_view(),
        name="archive-year",
    ),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("tags/<slug:slug>/", views.EventTypeDetailView.as_view(), name="tag-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", UpcomingTalksFeed(), name="rss"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", views.favicon),
]
