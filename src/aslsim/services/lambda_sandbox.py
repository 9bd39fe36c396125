"""What a local Lambda handler lives in, as if it had a sandbox of its own: its environment
variables, its working directory and the modules it imports from its own code.

On AWS every function runs in its own process: two functions whose folders each hold a
``helper.py`` each import their own ``helper``, and nothing one does to ``os.environ`` or the
working directory reaches the other, or the test. Here the handlers share one interpreter, so a
``Sandbox`` keeps per function the modules first imported while its code ran from its task root
(the handler file's folder), puts them back in ``sys.modules`` for each of its calls and takes
them out after; a module the test (or another library) had already imported stays shared.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["Sandbox", "environment"]

_ABSENT = object()


class Sandbox:
    """One function's private modules; ``with sandbox:`` while its code loads or runs."""

    def __init__(self, task_root: str | os.PathLike):
        self.task_root = Path(task_root).resolve()
        self.modules: dict[str, ModuleType] = {}

    def __enter__(self) -> "Sandbox":
        self._before = set(sys.modules)
        self._replaced = {}
        for name, module in self.modules.items():
            self._replaced[name] = sys.modules.get(name, _ABSENT)
            sys.modules[name] = module
        self._path_entry = str(self.task_root)
        sys.path.insert(0, self._path_entry)     # Lambda's task root is on the path
        self._cwd = os.getcwd()
        return self

    def __exit__(self, *exc) -> bool:
        try:
            sys.path.remove(self._path_entry)
        except ValueError:
            pass
        for name in set(sys.modules) - self._before - set(self.modules):
            module = sys.modules[name]
            if _defined_under(module, self.task_root):
                self.modules[name] = module
                self._replaced.setdefault(name, _ABSENT)
        for name, previous in self._replaced.items():
            if previous is _ABSENT:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
        if os.getcwd() != self._cwd:
            os.chdir(self._cwd)                   # a handler's os.chdir stays in its call
        return False

    def adopt(self, name: str, module: ModuleType) -> None:
        """Keep ``module`` (the handler file itself, under a private name) as this function's."""
        self.modules[name] = module


def _defined_under(module: ModuleType, root: Path) -> bool:
    files = [getattr(module, "__file__", None)]
    spec = getattr(module, "__spec__", None)
    if spec is not None and spec.submodule_search_locations:
        files.extend(spec.submodule_search_locations)     # a namespace package has no __file__
    for file in files:
        if file and Path(file).resolve().is_relative_to(root):
            return True
    return False


class environment:
    """Sets variables in os.environ (and takes out those in ``remove``) for the handler's call;
    afterwards the environment is exactly what it was before, whatever the handler did to it and
    however it ended."""

    def __init__(self, variables: dict[str, str], remove=()):
        self.variables = variables
        self.remove = [name for name in remove if name not in variables]

    def __enter__(self):
        self.saved = dict(os.environ)
        for name in self.remove:
            os.environ.pop(name, None)
        os.environ.update(self.variables)

    def __exit__(self, *exc):
        for key in [k for k in os.environ if k not in self.saved]:
            del os.environ[key]
        for key, value in self.saved.items():
            if os.environ.get(key) != value:
                os.environ[key] = value
        return False
