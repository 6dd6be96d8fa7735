"""The README's set-up, run from a fresh clone as a new user would."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not (PROJECT / ".git").exists(), reason="needs the project's git checkout")
def test_make_setup_from_a_fresh_clone_gives_a_working_admin_login(tmp_path):
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.fail("make and git are needed to run the README's set-up")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(clone)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "SITE_URL", "VIRTUAL_ENV"}
    }

    setup = subprocess.run(
        ["make", "setup"], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert "Loaded 10 demo talks." in setup.stdout
    login = re.search(r"user: (\S+)\s+password: (\S+)", setup.stdout)
    assert login is not None, setup.stdout[-2000:]
    username, password = login.groups()
    assert (clone / ".admin-password").read_text().strip() == password

    # A second run changes nothing and prints the same login.
    again = subprocess.run(["make", "setup"], cwd=clone, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"password: {password}" in again.stdout
    assert "nothing changed" in again.stdout

    log_in = (
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        "page = client.get('/admin/login/')\n"
        "response = client.post('/admin/login/?next=/admin/', "
        f"{{'username': {username!r}, 'password': {password!r}, 'next': '/admin/'}})\n"
        "print('LOGIN', page.status_code, response.status_code, response.get('Location'))\n"
        "print('PAGES', client.get('/admin/').status_code, client.get('/').status_code)\n"
    )
    result = subprocess.run(
        [
            str(clone / ".venv" / "bin" / "python"),
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            log_in,
        ],
        cwd=clone,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Log lines share stdout with the script's own output: read only the marked lines.
    marked = [line for line in result.stdout.splitlines() if line.startswith(("LOGIN", "PAGES"))]
    assert marked == ["LOGIN 200 302 /admin/", "PAGES 200 200"], (
        result.stdout + result.stderr[-3000:]
    )
