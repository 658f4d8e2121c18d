"""The shape of the builder's imports: no cycles, and no stage that reaches the incremental layer.

Every module under `builder/` is read with `ast`, never imported, so a cycle or a forbidden import
is reported even when it would break importing. Imports inside functions count; relative imports
are resolved, and `from PACKAGE import NAME` is an import of the submodule `PACKAGE.NAME` when
there is one, else of the package.

The rule for the incremental layer (`builder.reuse`, and everything under it should it become a
package): only the modules that run builds may import it, namely `builder.pipeline`, `builder.cli`,
`builder.preview`, `builder.parallel` and the entry point `builder.__main__`. Every other module is
a stage or serves one (load, validate, model, derive, render, exports, metadata, pictures, escape,
write, problems, handwritten, publish and the rest, with everything under packages of those names)
and must not reach the layer, directly or through other modules, so that a stage can be read,
tested and changed without knowing how the preview remembers. Imports made only for type checking
(under `if TYPE_CHECKING:`) count here, since a stage that names the layer's types depends on it;
they are left out of the cycle check, where they are the usual way to break one.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

PACKAGE = "builder"
LAYER = "builder.reuse"
RUNNERS = frozenset({"builder.__main__", "builder.cli", "builder.pipeline", "builder.preview", "builder.parallel"})


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    typing_only: bool

    def __str__(self) -> str:
        how = " (for type checking only)" if self.typing_only else ""
        return f"{self.source} imports {self.target} at line {self.line}{how}"


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module under the folder `root` of `package`, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((package, *parts))] = path
    return found


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under `if TYPE_CHECKING:` (not its `else`)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                inside.update(id(child) for statement in node.body for child in ast.walk(statement))
    return inside


def _known(name: str, known: dict[str, Path]) -> str:
    """`name`, or the longest dotted prefix of it that is a known module."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return name


def imports_of(name: str, path: Path, known: dict[str, Path], package: str = PACKAGE) -> list[Import]:
    """The imports of modules of `package` made anywhere in module `name`, read from `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _typing_only(tree)
    # What `.` means here: the package itself for an __init__, else the package holding the module.
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def add(target: str, node: ast.stmt) -> None:
        if (target == package or target.startswith(f"{package}.")) and target != name:
            found.append(Import(name, _known(target, known), node.lineno, id(node) in typing_only))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                anchor = ".".join(parts[: len(parts) - (node.level - 1)])
                origin = f"{anchor}.{node.module}" if node.module else anchor
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                add(submodule if submodule in known else origin, node)
    return found


def graph(root: Path = ROOT / PACKAGE, package: str = PACKAGE) -> dict[str, list[Import]]:
    """Each module's imports of the package's modules."""
    known = modules(root, package)
    return {name: imports_of(name, path, known, package) for name, path in known.items()}


def in_words(edges: dict[str, list[Import]]) -> str:
    lines = []
    for name, found in sorted(edges.items()):
        targets = sorted({f"{edge.target}{' (typing)' if edge.typing_only else ''}" for edge in found})
        lines.append(f"  {name} imports {', '.join(targets)}" if targets else f"  {name} imports nothing of ours")
    return "The import graph:\n" + "\n".join(lines)


def cycles(edges: dict[str, list[Import]]) -> list[list[Import]]:
    """One cycle through each group of modules that import one another at run time (Tarjan's SCCs)."""
    runtime = {name: sorted({edge.target for edge in found if not edge.typing_only}) for name, found in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in runtime.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(runtime):
        if node not in index:
            visit(node)
    found = []
    for group in groups:
        start = min(group)
        # The shortest way back to `start` within the group.
        chain = _shortest(edges, start, start.__eq__, within=group, typing=False)
        if chain:
            found.append(chain)
    return found


def _shortest(
    edges: dict[str, list[Import]],
    start: str,
    goal: Callable[[str], bool],
    within: set[str] | None = None,
    typing: bool = True,
) -> list[Import]:
    """The shortest chain of imports from `start` to a module for which `goal(module)` holds; [] if none."""
    came: dict[str, Import | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in sorted(edges.get(node, []), key=lambda edge: (edge.target, edge.line)):
            if edge.typing_only and not typing:
                continue
            if goal(edge.target):
                chain = [edge]
                while (step := came[chain[0].source]) is not None:
                    chain.insert(0, step)
                return chain
            if edge.target not in came and (within is None or edge.target in within):
                came[edge.target] = edge
                queue.append(edge.target)
    return []


def _in_layer(name: str) -> bool:
    return name == LAYER or name.startswith(f"{LAYER}.")


def stages_reaching_the_layer(edges: dict[str, list[Import]]) -> list[list[Import]]:
    """For each module that may not reach the layer but does, its shortest chain of imports to it."""
    chains = []
    for name in sorted(edges):
        if name in RUNNERS or _in_layer(name):
            continue
        chain = _shortest(edges, name, _in_layer)
        if chain:
            chains.append(chain)
    return chains


def _chain(chain: list[Import]) -> str:
    return "; ".join(str(edge) for edge in chain)


def test_the_builder_imports_no_module_in_a_cycle() -> None:
    edges = graph()
    found = cycles(edges)
    assert not found, (
        "modules that import one another:\n"
        + "\n".join(f"  {_chain(chain)}" for chain in found)
        + "\n"
        + in_words(edges)
    )


def test_no_stage_reaches_the_incremental_layer() -> None:
    edges = graph()
    assert LAYER in edges, f"{LAYER} is not where this test looks for it"
    found = stages_reaching_the_layer(edges)
    assert not found, (
        f"stages that reach {LAYER} (only {', '.join(sorted(RUNNERS))} may import it):\n"
        + "\n".join(f"  {_chain(chain)}" for chain in found)
        + "\n"
        + in_words(edges)
    )


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    files = {
        "__init__.py": "",
        "top.py": "from . import inner\nfrom .inner import deep\n",
        "layer.py": "",
        "inner/__init__.py": "from .deep import thing\n",
        "inner/deep.py": (
            "from typing import TYPE_CHECKING\n"
            "import os\n"
            "if TYPE_CHECKING:\n"
            "    from ..layer import Memory\n"
            "else:\n"
            "    from .. import top\n"
            "def late():\n"
            "    import pkg.layer\n"
            "    from ...elsewhere import x\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    edges = graph(tmp_path, "pkg")
    seen = {name: sorted((edge.target, edge.typing_only) for edge in found) for name, found in edges.items()}
    assert seen == {
        "pkg": [],
        "pkg.layer": [],
        "pkg.top": [("pkg.inner", False), ("pkg.inner.deep", False)],
        "pkg.inner": [("pkg.inner.deep", False)],
        "pkg.inner.deep": [("pkg.layer", False), ("pkg.layer", True), ("pkg.top", False)],
    }
    assert [[str(edge) for edge in chain] for chain in cycles(edges)] == [
        ["pkg.inner imports pkg.inner.deep at line 1", "pkg.inner.deep imports pkg.top at line 6",
         "pkg.top imports pkg.inner at line 1"],
    ]  # fmt: skip
    assert "pkg.inner.deep imports pkg.layer, pkg.layer (typing), pkg.top" in in_words(edges)
