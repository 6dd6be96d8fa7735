"""The layout's promises, checked on the code itself so that they cannot drift."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Return the modules a Python file imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def python_files(folder: str) -> list[Path]:
    return sorted(
        path for path in (PROJECT / folder).rglob("*.py") if "migrations" not in path.parts
    )


def test_speakers_never_imports_seminars():
    offenders = {
        str(path.relative_to(PROJECT)): sorted(
            module for module in imported_modules(path) if module.split(".")[0] == "seminars"
        )
        for path in python_files("speakers")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_speakers_never_reaches_seminars_models_by_name():
    mentions = [
        str(path.relative_to(PROJECT))
        for path in python_files("speakers")
        if '"seminars"' in path.read_text(encoding="utf-8")
        or "seminars_" in path.read_text(encoding="utf-8")
    ]
    assert mentions == []


def test_seminars_root_keeps_at_most_twelve_modules():
    modules = sorted(path.name for path in (PROJECT / "seminars").glob("*.py"))
    assert len(modules) <= 12, modules


def test_no_python_module_formats_through_a_template_tag_library():
    offenders = [
        str(path.relative_to(PROJECT))
        for folder in ("seminars", "speakers", "config")
        for path in python_files(folder)
        if "templatetags" not in path.parts
        and any(
            module.startswith(("seminars.templatetags", "speakers.templatetags"))
            for module in imported_modules(path)
        )
    ]
    assert offenders == []
