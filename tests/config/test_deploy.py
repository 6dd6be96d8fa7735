import datetime
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import checks
from django.test import override_settings
from PIL import Image

from config.logging import LogfmtFormatter
from seminars.models import Series, Talk
from tests.factories import TalkFactory

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Vx2-qL9!zR4#mW8pT1@nB6$yH3^cF0&dJ5*gS2(eU7)aK9-not-a-real-one",
    "ALLOWED_HOSTS": "seminars.example.org",
    "SITE_URL": "https://seminars.example.org",
}


def run_manage(*args, **env_overrides):
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL", "CACHE_URL"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_settings_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("System check identified no issues (1 silenced).")


def test_check_deploy_notices_when_https_settings_are_turned_off():
    result = run_manage(
        "check", "--deploy", **PRODUCTION_ENV, SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0"
    )
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W012" in result.stderr + result.stdout


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_respond(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_a_load_balancer_over_http_by_ip(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["seminars.example.org"]
    assert client.get("/healthz/", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/", HTTP_HOST="seminars.example.org").status_code == 301


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_is_unreachable(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable: cache\n")


def png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db  # closing the response ends the request, which closes connections
def test_media_photos_are_served_with_their_type_and_nosniff(client, media_root):
    (media_root / "speakers").mkdir(parents=True)
    (media_root / "speakers" / "face.png").write_bytes(png())
    response = client.get("/media/speakers/face.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png()
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/media/speakers/missing.png",
        "/media/speakers/page.html",
        "/media/speakers/../secret.png",
        "/media/other/face.png",
        "/media/speakers/%2e%2e/%2e%2e/etc/passwd.png",
    ],
)
def test_media_refuses_anything_but_stored_photos(client, media_root, path):
    (media_root / "speakers").mkdir(parents=True)
    (media_root / "speakers" / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "secret.png").write_bytes(png())
    assert client.get(path).status_code == 404


def test_log_line_is_structured_with_the_request_path(rf):
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Boom %s", ("x",), None
    )
    record.request = rf.get("/talks/firefly/?q=1")
    record.status_code = 500
    line = LogfmtFormatter().format(record)
    assert line.split(" ", 1)[1] == (
        "level=ERROR logger=django.request method=GET path=/talks/firefly/ status=500 "
        'message="Boom x"'
    )


@pytest.mark.django_db
def test_failed_admin_logins_are_limited_per_ip_and_username(client):
    get_user_model().objects.create_superuser("organiser", "o@example.org", "right-password-42")
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "organiser", "password": "wrong"})
        assert response.status_code == 200
    fifth = client.post("/admin/login/", {"username": "organiser", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post(
        "/admin/login/", {"username": "organiser", "password": "right-password-42"}
    )
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Another username from the same address is not locked out.
    get_user_model().objects.create_superuser("colleague", "c@example.org", "other-password-42")
    other = client.post("/admin/login/", {"username": "colleague", "password": "other-password-42"})
    assert other.status_code == 302


@pytest.mark.django_db
def test_admin_refuses_to_delete_a_published_talk_and_offers_cancel(staff_client):
    talk = TalkFactory(title="Firefly")
    url = f"/admin/seminars/talk/{talk.pk}/delete/"
    content = staff_client.get(url).content.decode()
    assert "Talk “Firefly” is published: cancel it instead of deleting it" in content
    staff_client.post(url, {"post": "yes"})
    assert Talk.objects.filter(pk=talk.pk).exists()


@pytest.mark.django_db
def test_admin_deletes_a_draft(staff_client):
    talk = TalkFactory(status=Talk.Status.DRAFT)
    staff_client.post(f"/admin/seminars/talk/{talk.pk}/delete/", {"post": "yes"})
    assert not Talk.objects.filter(pk=talk.pk).exists()


@pytest.mark.django_db
def test_admin_actions_leave_an_audit_trail(staff_client):
    talk = TalkFactory()
    staff_client.post(
        "/admin/seminars/talk/", {"action": "cancel_selected", "_selected_action": [talk.pk]}
    )
    entry = LogEntry.objects.get(object_id=str(talk.pk))
    assert (entry.user.username, entry.get_change_message()) == ("organiser", "Cancelled.")
    history = staff_client.get(f"/admin/seminars/talk/{talk.pk}/history/").content.decode()
    assert "Cancelled." in history


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/calendar.ics", "/no-such-page/"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_defaults_are_secure_without_overrides():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = run_manage("shell", "--no-imports", "-c", script, **PRODUCTION_ENV)
    assert result.stdout.strip() == "True 31536000 True True True", result.stderr


def test_system_checks_pass_at_the_minute_announcements_go_out_by_default():
    # Django warns about a fixed time default when its check runs within seconds of that time
    # (read as UTC); CI once ran `check --deploy` at 09:00 UTC and failed.
    default = Series._meta.get_field("announce_time").get_default()
    moment = datetime.datetime.combine(
        datetime.date(2026, 12, 5), default, tzinfo=datetime.UTC
    ) + datetime.timedelta(seconds=3)
    with time_machine.travel(moment, tick=False):
        warnings = [message.id for message in checks.run_checks(include_deployment_checks=True)]
    assert "fields.W161" not in warnings
    assert default == datetime.time(9, 0)
