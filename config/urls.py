from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from speakers.views import media_file

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("speakers.urls")),
    path("", include("seminars.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media")
    )
