from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from seminars.organisers.view_on_site import scoped_shortcut
from seminars.urls import people_urlpatterns
from speakers.views import media_file

handler400 = "seminars.http.errors.bad_request"

urlpatterns = [
    path(
        "admin/",
        include(
            [
                # Before the admin's own, which would redirect to any object's page.
                path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    admin.site.admin_view(scoped_shortcut),
                    name="scoped-view-on-site",
                ),
            ]
        ),
    ),
    path("admin/", admin.site.urls),
    path("", include(people_urlpatterns)),
    path("", include("seminars.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media")
    )


def bench_ok(request):
    """Answer "ok" through the whole middleware stack, and do nothing else."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


if settings.BENCH:
    urlpatterns.append(path("__bench__/ok/", bench_ok, name="bench-ok"))
