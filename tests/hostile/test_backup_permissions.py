"""Finding 14: a backup (password hashes, speakers' private addresses) is readable by its
owner alone: files 0600 in a 0700 folder, whatever the umask."""

import os
import stat

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_is_private_to_its_owner(demo, tmp_path, media_root):
    previous = os.umask(0o022)  # the usual umask: new files world-readable
    try:
        call_command("backup", str(tmp_path / "backup"))
    finally:
        os.umask(previous)

    folder = tmp_path / "backup"
    assert {path.name: oct(mode(path)) for path in [folder, *folder.iterdir()]} == {
        "backup": "0o700",
        "data.json": "0o600",
        "media.tar.gz": "0o600",
    }
    assert b'"email": "' in (folder / "data.json").read_bytes()
