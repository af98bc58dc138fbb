"""The package's layers: no module imports from a layer above its own, and no import cycle."""

import ast
import pickle
from pathlib import Path

import pytest

import search

ROOT = Path(__file__).resolve().parents[1]
# From the bottom: a module may import its own layer and those before it, never one after.
LAYERS = [
    ("search.errors", "search.models", "search.limits", "search.wording"),
    ("search.analysis",),
    ("search.ingest",),
    ("search.store",),
    ("search.ranking",),
    ("search.views",),
    ("search.archive",),
    ("search.evaluation",),
    ("search.cluster",),
    ("search",),
    ("search.cli",),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """Return the modules of ``modules`` that the file at path imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module
            submodules = {f"{origin}.{alias.name}" for alias in node.names}
            found.update(submodules & modules or {origin})
    return found & modules


def layer_of(module: str) -> int:
    # The longest prefix decides: search.store.topics is in "search.store", not in "search".
    best = max(
        (
            (len(prefix), rank)
            for rank, layer in enumerate(LAYERS)
            for prefix in layer
            if module == prefix or module.startswith(prefix + ".")
        ),
    )
    return best[1]


def import_graph(package: str) -> dict[str, set[str]]:
    paths = {module_name(p): p for p in (ROOT / package).rglob("*.py")}
    return {name: imported_modules(path, set(paths)) - {name} for name, path in paths.items()}


GRAPH = import_graph("search")


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_module_imports_no_layer_above_its_own(module):
    upward = {other for other in GRAPH[module] if layer_of(other) > layer_of(module)}
    assert not upward, f"{module} imports from a layer above its own: {sorted(upward)}"


def test_package_has_no_import_cycle():
    done, path = set(), []

    def visit(module):
        if module in path:
            cycle = path[path.index(module) :] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        path.append(module)
        for other in sorted(GRAPH[module]):
            visit(other)
        path.pop()
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)


def test_every_module_of_the_package_has_a_layer():
    sub_packages = {p.parent.name for p in (ROOT / "search").glob("*/__init__.py")}
    top_modules = {p.stem for p in (ROOT / "search").glob("*.py")} - {"__init__"}
    named = {prefix.removeprefix("search.") for layer in LAYERS for prefix in layer}
    assert sub_packages | top_modules <= named


def test_search_never_imports_flask():
    for path in (ROOT / "search").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            assert not any(n.split(".")[0] == "flask" for n in names), path


def test_web_uses_only_what_the_package_exports():
    for path in (ROOT / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("search"):
                assert node.module == "search", f"{path.name} imports {node.module}"
                missing = {a.name for a in node.names} - set(search.__all__)
                assert not missing, f"{path.name} imports {missing}, not exported by search"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("search.") for a in node.names), path


def test_index_schema_pickled_before_the_layered_layout_still_loads():
    # Whoosh pickles the schema into every index; older ones name the modules as they were.
    from search.store.index import open_index  # noqa: F401  (keeps the old names reachable)
    from search.store.schema import build_schema

    old = (
        pickle.dumps(build_schema(), protocol=0)
        .replace(b"csearch.store.schema\n", b"csearch.schema\n")
        .replace(b"csearch.analysis.french\n", b"csearch.analysis\n")
    )
    assert b"csearch.schema\n" in old and b"csearch.analysis\n" in old
    assert pickle.loads(old).names() == build_schema().names()
