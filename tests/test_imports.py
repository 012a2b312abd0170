"""No import cycles inside ``referat`` (imports inside functions included), found by walking the package with ast.

A cycle means two modules cannot be understood, tested or moved apart.  The cycles that exist today are
listed in ``KNOWN`` so the test holds the line: a new cycle fails, and so does a listed one that is gone
(remove it from the list).  Imports under ``if TYPE_CHECKING:`` are not counted (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

#: cycles present when this test was written (issue 16); each is to be broken by moving the shared piece
KNOWN: set[frozenset[str]] = {
    frozenset({"referat.cli", "referat.cli_render"}),  # cli_render takes cli's _store: goes with cli/ as a package
    frozenset({"referat.web.office.core", "referat.web.office.messages", "referat.web.office.minutes"}),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in (SRC / "referat").rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if _type_checking_only(node, parents):
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                named = [f"{base}.{a.name}" for a in node.names]
                # ``from . import views`` imports the module views; ``from .app import x`` the module app
                targets = named if all(t in modules for t in named) else [base]
            for target in targets:
                while target and target not in modules:  # ``from x import name``: the module x
                    target = target.rpartition(".")[0]
                if target and target != name and target != package_of(name, modules):
                    graph[name].add(target)
    return graph


def package_of(name: str, modules: dict[str, Path]) -> str:
    """A module's own package (importing it from inside is how Python loads a package, not a cycle)."""
    parent = name.rpartition(".")[0]
    return parent if parent in modules else ""


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "referat.store.postgres" in graph["referat.store"]  # ``open_store`` imports it when called
    assert "referat.parse.importer" in graph["referat.ingest"]


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}


def test_no_new_import_cycles():
    found = cycles(import_graph())
    new = found - KNOWN
    assert not new, "new import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in new)
    gone = KNOWN - found
    assert not gone, "cycles now broken (remove them from KNOWN): " + "; ".join(" ".join(sorted(c)) for c in gone)
