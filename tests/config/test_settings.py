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
