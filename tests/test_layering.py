"""Imports under src/aslsim run one way (DESIGN.md): no module imports, at any depth or inside a
function, a module that imports it back; nothing below the top-level package imports ``aslsim``
itself (the public face imports them, not the other way round)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aslsim
from aslsim.validate.checks.transitions import strongly_connected_components

SRC = Path(aslsim.__file__).parent.parent


def _modules() -> dict[str, Path]:
    modules = {}
    for file in (SRC / "aslsim").rglob("*.py"):
        parts = list(file.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = file
    return modules


def _imports(name: str, file: Path, modules: dict) -> set[str]:
    """Every module of ``modules`` that ``file`` imports, wherever the import statement is."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return (found & set(modules)) - {name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, file, modules) for name, file in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> set[frozenset]:
    """The strongly connected components of more than one module."""
    ordered = {name: sorted(targets) for name, targets in graph.items()}
    return {frozenset(c) for c in strongly_connected_components(ordered) if len(c) > 1}


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == {frozenset("abc")}


def test_no_modules_under_src_import_each_other_in_a_circle():
    cycles = _cycles(_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def test_nothing_below_the_top_level_package_imports_aslsim_itself():
    importers = sorted(name for name, targets in _graph().items() if "aslsim" in targets and name != "aslsim")
    assert importers == []


def test_aslsim_replay_is_the_function_and_its_package_is_aslsim_replaying():
    # in a fresh interpreter: importing the package by its full name must not rebind the function
    code = ("import aslsim.replaying, aslsim; from aslsim.replaying import ReplayResult; "
            "import types; assert isinstance(aslsim.replaying, types.ModuleType); "
            "assert aslsim.replay is aslsim.replaying.replay and callable(aslsim.replay); print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
