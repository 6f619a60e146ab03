"""The package's layers: imports go only downward, with no cycle, and the leaves use only the
standard library. The import graph is read with ``ast`` from the source, counting imports inside
functions too (a deferred import still ties two modules together)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "unionstate_data"
NAME = "unionstate_data"

#: Modules that use only the standard library and the other leaves.
LEAVES = {
    "unionstate_data.errors",
    "unionstate_data.problems",
    "unionstate_data.archive",
    "unionstate_data._files",
    "unionstate_data._paths",
    "unionstate_data._version",
    "unionstate_data.releases.layout",
    "unionstate_data.model.fields",
    "unionstate_data.validation.tuning",
    "unionstate_data.releases.document",
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, relative imports resolved: for
    ``from package import name``, the submodule ``package.name`` where there is one, else the
    module ``package`` itself."""
    known = modules()
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return found


def graph() -> dict[str, set[str]]:
    """Intra-package edges: module -> the package modules it imports (not their parents)."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = {i for i in imports(path) if i in known and i != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_deferred_import() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_the_package_imports_itself_in_a_circle() -> None:
    edges = graph()
    assert len(edges) > 20  # the graph was read
    assert cycles(edges) == []


def test_nothing_imports_the_package_root_or_the_cli() -> None:
    # The root is the lazy public API and the CLI the top layer: nothing below may need them.
    for name, targets in graph().items():
        if name not in (NAME, f"{NAME}.cli"):
            assert not targets & {NAME, f"{NAME}.cli"}, name


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_a_leaf_uses_only_the_standard_library_and_other_leaves(leaf: str) -> None:
    path = modules()[leaf]
    outside = set()
    for target in imports(path):
        top = target.split(".")[0]
        if top == NAME:
            if target in modules() and target not in LEAVES:
                outside.add(target)
        elif top not in sys.stdlib_module_names and top != "__future__":
            outside.add(target)
    assert outside == set()


def test_subpackage_init_files_are_empty() -> None:
    for path in PACKAGE.rglob("__init__.py"):
        if path.parent != PACKAGE:
            assert path.read_text(encoding="utf-8") == "", path


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_the_line_limit(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by concern"
