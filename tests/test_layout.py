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


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def import_statements(node: ast.AST):
    """Yield the import statements under `node`, in functions too (an import deferred into a
    function still ties the two files), but not those only type checkers run."""
    for child in ast.iter_child_nodes(node):
        if is_type_checking_block(child):
            for branch in child.orelse:
                yield from import_statements(ast.Module(body=[branch], type_ignores=[]))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from import_statements(child)


# Django imports an app's models package before anything else can import a model (importing
# one earlier raises AppRegistryNotReady), and seminars/models/__init__.py imports these for
# Django to register them: that they import the talk models, inside the package, back is the
# one tie that cannot leave a module half-run.
REGISTERED_BY_THE_MODELS_PACKAGE = {"seminars.invitations.models", "seminars.mail.models"}


def graph_of(sources: dict[str, str], packages: set[str]) -> dict[str, set[str]]:
    """Return, for each module of `sources` (name → code; `packages` are the __init__ ones),
    the modules it imports. `from a import b` is the module a.b when there is one, else a;
    importing a.b.c also runs the packages a and a.b, unless the importer is inside them."""
    graph = {}
    for name, code in sources.items():
        package = name if name in packages else name.rpartition(".")[0]
        targets = set()
        for statement in import_statements(ast.parse(code)):
            if isinstance(statement, ast.Import):
                candidates = [[alias.name] for alias in statement.names]
            else:
                base = statement.module or ""
                if statement.level:
                    anchor = package.split(".")[: len(package.split(".")) - statement.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                candidates = [[f"{base}.{alias.name}", base] for alias in statement.names]
            for choices in candidates:
                found = next((choice for choice in choices if choice in sources), None)
                if found is None:
                    continue
                parts = found.split(".")
                for depth in range(1, len(parts) + 1):
                    module = ".".join(parts[:depth])
                    if module not in sources or name == module or name.startswith(module + "."):
                        continue
                    if (
                        depth < len(parts)
                        and module == "seminars.models"
                        and name in REGISTERED_BY_THE_MODELS_PACKAGE
                    ):
                        continue
                    targets.add(module)
        graph[name] = targets
    return graph


def import_graph(folders=("config", "seminars", "speakers")) -> dict[str, set[str]]:
    """Return the import graph of the project's modules (see graph_of)."""
    paths = [path for folder in folders for path in python_files(folder)]
    return graph_of(
        {module_name(path): path.read_text(encoding="utf-8") for path in paths},
        {module_name(path) for path in paths if path.name == "__init__.py"},
    )


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other, directly or through others
    (Tarjan's strongly connected components of more than one module)."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_import_circles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(graph) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_follows_what_python_runs():
    sources = {
        "app": "",
        "app.models": "from app.models.talks import Talk\nfrom app.mail.models import Mail\n",
        "app.models.talks": "from . import words\n",
        "app.models.words": "",
        "app.mail": "",
        "app.mail.models": "from app.models.talks import Talk\n",
        "app.pages": "",
        "app.pages.views": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from app.feeds import views\n"
            "else:\n    from app.mail import models\n"
            "def later():\n    from app.models import words\n"
        ),
        "app.feeds": "",
        "app.feeds.views": "",
    }
    graph = graph_of(sources, {"app", "app.models", "app.mail", "app.pages", "app.feeds"})

    # A relative import; and the package run before the module, unless the importer is in it.
    assert graph["app.models.talks"] == {"app.models.words"}
    assert graph["app.mail.models"] == {"app.models", "app.models.talks"}
    # A TYPE_CHECKING block is skipped, its else branch is not; an import in a function counts.
    assert graph["app.pages.views"] == {
        "app.mail",
        "app.mail.models",
        "app.models",
        "app.models.words",
    }
    assert import_circles(graph) == [["app.mail.models", "app.models"]]


def test_the_project_graph_sees_imports_in_functions_and_of_submodules():
    graph = import_graph()
    # from speakers.slugs import SluggedModel, at the top of speakers/models.py
    assert "speakers.slugs" in graph["speakers.models"]
    # from seminars.mail.admin import …: the submodule and the package it is in
    assert {"seminars.mail", "seminars.mail.admin"} <= graph["seminars.admin"]


def test_no_module_imports_itself_back_through_others():
    assert import_circles(import_graph()) == []


def test_no_concern_package_imports_a_siblings_views():
    """A concern (seminars/pages/, seminars/mail/, …) uses another's models and services,
    never its views: what two pages share lives below both."""
    offenders = {
        module: sorted(
            imported
            for imported in imported_set
            if imported.startswith("seminars.")
            and imported.split(".")[-1] == "views"
            and len(imported.split(".")) == 3
            and imported.split(".")[1] != module.split(".")[1]
        )
        for module, imported_set in import_graph().items()
        if module.startswith("seminars.") and len(module.split(".")) >= 3
    }
    assert {module: views for module, views in offenders.items() if views} == {}


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
