"""`make run` and `make serve` point absolute links at the address they serve."""

import os
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def site_url_of(target: str, **env: str) -> str:
    """Return the SITE_URL that `make <target>` gives the server it starts (dry run)."""
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    commands = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-n",
            "-o",
            ".venv/.installed",
            "-o",
            ".secret-key",
            target,
            "HOST=127.0.0.1",
            "PORT=8123",
        ],
        cwd=PROJECT,
        env=keep,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.splitlines()
    starts = ("manage.py runserver", "bin/gunicorn")
    server = next(line for line in commands if any(start in line for start in starts))
    # The line's own environment assignments, evaluated by the shell as make would.
    assignment = next(word for word in server.split() if word.startswith("SITE_URL="))
    shown = subprocess.run(
        ["sh", "-c", f"{assignment}; echo $SITE_URL"],
        env={**keep, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return shown.stdout.strip()


@pytest.mark.parametrize("target", ["run", "serve"])
def test_make_sets_site_url_from_host_and_port(target):
    assert site_url_of(target) == "http://127.0.0.1:8123"


@pytest.mark.parametrize("target", ["run", "serve"])
def test_make_keeps_a_site_url_the_caller_gives(target):
    assert site_url_of(target, SITE_URL="https://seminars.example.org") == (
        "https://seminars.example.org"
    )
