import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def run_django_setup(**env_overrides):
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_missing_secret_key_without_debug_is_a_clear_error():
    result = run_django_setup(DEBUG="0")
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_settings_debug_runs_without_secret_key():
    result = run_django_setup(DEBUG="1")
    assert (result.returncode, result.stdout) == (0, "started\n")


def test_settings_production_with_secret_key_starts():
    result = run_django_setup(DEBUG="0", SECRET_KEY="a-real-secret")
    assert (result.returncode, result.stdout) == (0, "started\n")


def database_options(url: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS'].get('options', ''))",
        ],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_postgresql_connections_do_not_compile_queries_to_machine_code():
    # JIT compilation cost a feed of thousands of talks 28 ms of its 120 ms query.
    assert database_options("postgres://postgres@127.0.0.1:5432/seminars") == "-c jit=off"


def test_postgresql_options_given_in_database_url_come_last_and_win():
    options = database_options("postgres://postgres@127.0.0.1:5432/seminars?options=-c%20jit%3Don")
    assert options == "-c jit=off -c jit=on"
