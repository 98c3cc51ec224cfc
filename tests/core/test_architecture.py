"""Structure rules of the project that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_core_module_imports_qt_or_gui() -> None:
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "gui"}:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_every_audit_action_has_a_label_in_both_languages() -> None:
    """The audit log screen shows actions in words; a code it cannot name is a defect."""
    from core.i18n import load_catalogue
    from core.models import RequestState

    catalogue = load_catalogue()
    actions: set[str] = {f"request.{s.value}" for s in RequestState}
    actions |= {"customer.erased", "customer.purged", "retention.delete", "retention.anonymise"}
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and len(node.args) >= 3
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                arg = node.args[2]
                for value in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                    if isinstance(value, ast.Constant):
                        actions.add(value.value)
            for kw in getattr(node, "keywords", []):
                if kw.arg == "audit_action" and isinstance(kw.value, ast.Constant):
                    actions.add(kw.value.value)
    missing = sorted(a for a in actions if f"audit.action.{a}" not in catalogue)
    assert missing == []


def _core_import_graph() -> dict[str, set[str]]:
    """Module -> the core modules it imports (at the top or inside a function)."""
    modules: dict[str, Path] = {}
    for path in (ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_core_has_no_import_cycle() -> None:
    assert _cycles(_core_import_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"core.a": {"core.b"}, "core.b": {"core.c"}, "core.c": {"core.a"}, "core.d": set()}
    assert _cycles(graph) == [["core.a", "core.b", "core.c"]]


def test_every_screen_and_command_is_imported_statically() -> None:
    """A freezer packs only the imports it sees: no module is loaded by a name in a string."""
    offenders = []
    for folder in ("core", "gui"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for needle in ("importlib.import_module", "__import__(", "find_spec("):
                if needle in text:
                    offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
