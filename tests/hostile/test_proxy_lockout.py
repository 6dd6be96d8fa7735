"""Finding 3: behind the trusted proxy, failed logins are keyed on the client's address from
the proxy's header, so nobody can lock an organiser out from elsewhere."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

PROJECT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def setting_behind_the_proxy(name: str, **environment: str) -> str:
    """Return repr(settings.`name`) as config/settings.py makes it with BEHIND_TLS_PROXY=1."""
    env = {**os.environ, "BEHIND_TLS_PROXY": "1", **environment}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        f"print(repr(settings.{name}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


@pytest.fixture
def behind_proxy(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = eval(  # noqa: S307 (our own repr)
        setting_behind_the_proxy("AXES_IPWARE_META_PRECEDENCE_ORDER")
    )
    return settings


def log_in(client, password: str, client_address: str, spoofed: str = "1.2.3.4"):
    """POST the admin login as the proxy forwards it: from the proxy's address, with the
    client's in X-Real-IP and whatever the client claimed in X-Forwarded-For."""
    return client.post(
        "/admin/login/",
        {"username": "organiser", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_REAL_IP=client_address,
        HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}",
    )


def test_proxy_settings_read_the_client_address_from_the_proxy_header():
    assert setting_behind_the_proxy("AXES_IPWARE_META_PRECEDENCE_ORDER") == (
        "('HTTP_X_REAL_IP', 'REMOTE_ADDR')"
    )
    assert setting_behind_the_proxy(
        "AXES_IPWARE_META_PRECEDENCE_ORDER", PROXY_CLIENT_IP_HEADER="CF-Connecting-IP"
    ) == ("('HTTP_CF_CONNECTING_IP', 'REMOTE_ADDR')")


@pytest.mark.django_db
def test_proxy_lockout_of_one_client_leaves_the_owner_in(client, behind_proxy):
    get_user_model().objects.create_superuser("organiser", "o@example.org", "right-password-42")

    attempts = [log_in(client, "wrong", ATTACKER).status_code for _ in range(5)]
    attacker_with_the_password = log_in(client, "right-password-42", ATTACKER)
    owner = log_in(client, "right-password-42", OWNER, spoofed=ATTACKER)

    assert attempts == [200, 200, 200, 200, 429]
    assert attacker_with_the_password.status_code == 429
    assert owner.status_code == 302


@pytest.mark.django_db
def test_without_the_proxy_a_client_cannot_choose_its_address_by_header(client):
    get_user_model().objects.create_superuser("organiser", "o@example.org", "right-password-42")

    attempts = [
        log_in(client, "wrong", f"203.0.113.{number}").status_code for number in range(1, 6)
    ]

    assert attempts == [200, 200, 200, 200, 429]
    assert log_in(client, "right-password-42", OWNER).status_code == 429
