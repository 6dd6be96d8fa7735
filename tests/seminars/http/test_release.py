"""The release digest: what every cache key and validator includes."""

import pytest

from seminars.http.release import code_digest, release


@pytest.fixture
def project(settings, tmp_path):
    """A small project tree for code_digest() to read."""
    for name, text in {
        "config/settings.py": "DEBUG = False\n",
        "seminars/views.py": "def view(): ...\n",
        "seminars/notes.txt": "not code\n",
        "speakers/models.py": "",
        "templates/base.html": "<title>{{ SITE_NAME }}</title>\n",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    return tmp_path


def digest_of(project) -> str:
    """Return the code digest of `project`, read now (code_digest() reads once a process)."""
    return code_digest.__wrapped__()


@pytest.mark.parametrize(
    ("name", "renewed"),
    [
        ("seminars/views.py", True),
        ("templates/base.html", True),
        ("seminars/notes.txt", False),
    ],
)
def test_code_digest_changes_with_the_code_and_templates_only(project, name, renewed):
    before = digest_of(project)

    (project / name).write_text("changed\n")

    assert (digest_of(project) != before) is renewed


def test_code_digest_changes_with_the_static_manifest(project):
    before = digest_of(project)
    (project / "static").mkdir()

    (project / "static" / "staticfiles.json").write_text('{"paths": {"a.css": "a.1.css"}}')

    assert digest_of(project) != before


def test_release_changes_with_a_site_setting_and_back(settings):
    before, tagline = release(), settings.SITE_TAGLINE

    settings.SITE_TAGLINE = "Another tagline"
    changed = release()
    settings.SITE_TAGLINE = tagline

    assert changed != before
    assert release() == before


def test_release_changes_with_the_code(monkeypatch):
    before = release()

    monkeypatch.setattr("seminars.http.release.code_digest", lambda: "the next release")

    assert release() != before
