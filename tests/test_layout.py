"""The house has one way through: imports run from lower stages to higher ones only.

Read from the source (every ``import`` statement, including the ones inside functions, and
every string naming a ``wirewatch.`` module, which is how importlib and entry points load
code), so a cycle hidden behind a lazy import or importlib is caught as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "wirewatch"

#: Stages in the order data flows; a module may import its own stage or an earlier one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("contract", "knowledge", "data", "extras"),
    ("ingest",),
    ("nlp",),
    ("extract",),
    ("resolve",),
    ("pipeline",),
    ("api",),
    ("run",),
    ("store",),
    ("export",),
    ("serve",),
    ("eval", "train"),
    ("cli",),
)
RANK = {stage: n for n, layer in enumerate(LAYERS) for stage in layer}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imports_of(path: Path) -> set[str]:
    """wirewatch modules named by ``path``: imported, or named in a string (importlib)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text("utf-8"))
    resource_names = {  # resources.files("wirewatch.x") reads data files; it runs no code
        id(node.args[0]) for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "files" and node.args}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("wirewatch"):
                base = PACKAGE.parent / node.module.replace(".", "/")
                submodules = {f"{node.module}.{a.name}" for a in node.names
                              if (base / a.name).is_dir() or (base / f"{a.name}.py").exists()}
                found.update(submodules)
                if len(submodules) < len(node.names):  # names defined by the module itself
                    found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("wirewatch"))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value.startswith("wirewatch.") and " " not in node.value
              and id(node) not in resource_names):
            found.add(node.value.split(":")[0])
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for target in imports_of(path):
            # "wirewatch.data" names the resource package, not code to import
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name:
                targets.add(target)
        edges[name] = targets
    return edges


def test_every_stage_has_a_layer():
    stages = {stage(m) for m in graph()} - {None}
    assert stages <= set(RANK), f"stages without a layer: {stages - set(RANK)}"


def test_imports_run_one_way():
    upward = []
    for module, targets in graph().items():
        own = stage(module)
        for target in targets:
            other = stage(target)
            if own is None or other is None:
                continue  # the root package only names the public API lazily
            if RANK[other] > RANK[own]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports against the flow:\n" + "\n".join(sorted(upward))


def test_nothing_imports_the_cli():
    users = sorted(m for m, targets in graph().items()
                   if stage(m) != "cli" and any(stage(t) == "cli" for t in targets))
    assert not users


def test_no_import_cycles():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("text, expected", [
    ("from wirewatch.nlp.spans import span_of\n", {"wirewatch.nlp.spans"}),
    ("def f():\n    import wirewatch.cli\n", {"wirewatch.cli"}),
    ("from wirewatch.store import schema\n", {"wirewatch.store.schema"}),
    ('MODULES = ("wirewatch.store.commands",)\n', {"wirewatch.store.commands"}),
])
def test_the_reader_sees_lazy_and_importlib_imports(tmp_path, text, expected):
    path = tmp_path / "m.py"
    path.write_text(text)
    assert expected <= imports_of(path)
