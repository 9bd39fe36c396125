"""What a local Lambda handler lives in, as if it had a sandbox of its own: its environment
variables, its working directory and the modules it imports from its own code.

On AWS every function runs in its own process: two functions whose folders each hold a
``helper.py`` each import their own ``helper``, and nothing one does to ``os.environ`` or the
working directory reaches the other, or the test. Here the handlers share one interpreter, and
the server calls them from several threads at once, so:

- ``environment`` gives each call an environment of its own: while it runs, ``os.environ`` (and
  ``os.getenv``) read and write a private copy in that thread, and the process's environment,
  which every other thread sees, is never changed. Threads and processes the handler starts
  see the process's environment, not the call's.
- a ``Sandbox`` keeps per function the modules first imported while its code ran from its task
  root (the handler file's folder), lends them to ``sys.modules`` while any of its calls runs and
  takes them back after the last; a module the test (or another library) had already imported
  stays shared. ``sys.modules`` and ``sys.path`` are the process's: when two functions whose
  folders hold a module of the same name run at the same moment, a module one imports during its
  call (not at load) may be the other's.
"""
from __future__ import annotations

import contextvars
import os
import sys
import threading
from pathlib import Path
from types import ModuleType

__all__ = ["Sandbox", "environment"]

_ABSENT = object()
_LOCK = threading.RLock()                  # guards the lending of modules to sys.modules
_LENDER: dict[str, "Sandbox"] = {}         # module name -> the sandbox whose module sys.modules holds


class Sandbox:
    """One function's private modules; ``with sandbox:`` while its code loads or runs (from any
    number of threads at once)."""

    def __init__(self, task_root: str | os.PathLike):
        self.task_root = Path(task_root).resolve()
        self.modules: dict[str, ModuleType] = {}
        self._calls = 0                        # calls running now, in any thread
        self._replaced: dict[str, object] = {}  # what sys.modules held before this sandbox lent
        self._path_entry = str(self.task_root)
        self._local = threading.local()        # per thread: (modules before, cwd) of each call

    def __enter__(self) -> "Sandbox":
        with _LOCK:
            self._calls += 1
            if self._calls == 1:
                for name, module in self.modules.items():
                    self._lend(name, module)
                sys.path.insert(0, self._path_entry)     # Lambda's task root is on the path
            before = set(sys.modules)
        self._stack().append((before, os.getcwd()))
        return self

    def __exit__(self, *exc) -> bool:
        before, cwd = self._stack().pop()
        with _LOCK:
            for name in set(sys.modules) - before - set(self.modules):
                module = sys.modules[name]
                if _defined_under(module, self.task_root):
                    self.modules[name] = module              # imported by this function's code
                    _LENDER.setdefault(name, self)
                    self._replaced.setdefault(name, _ABSENT)
            self._calls -= 1
            if self._calls == 0:
                try:
                    sys.path.remove(self._path_entry)
                except ValueError:
                    pass
                self._take_back()
        if os.getcwd() != cwd:
            os.chdir(cwd)                         # a handler's os.chdir stays in its call
        return False

    def adopt(self, name: str, module: ModuleType) -> None:
        """Keep ``module`` (the handler file itself, under a private name) as this function's."""
        self.modules[name] = module

    def _stack(self) -> list:
        if not hasattr(self._local, "calls"):
            self._local.calls = []
        return self._local.calls

    def _lend(self, name: str, module: ModuleType) -> None:
        if name in _LENDER:
            return         # another function's module of this name is lent now: it keeps it
        _LENDER[name] = self
        self._replaced[name] = sys.modules.get(name, _ABSENT)
        sys.modules[name] = module

    def _take_back(self) -> None:
        for name, previous in self._replaced.items():
            if _LENDER.get(name) is not self:
                continue
            del _LENDER[name]
            if previous is _ABSENT:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
        self._replaced = {}


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
    """``with environment(variables, remove):`` the calling thread sees, in ``os.environ``, what
    it saw before with ``remove`` taken out and ``variables`` set; whatever the handler writes
    there stays in its call. Nothing else sees any of it, and afterwards the thread sees what it
    saw before, however the call ended."""

    def __init__(self, variables: dict[str, str], remove=()):
        self.variables = variables
        self.remove = [name for name in remove if name not in variables]

    def __enter__(self):
        environ = _per_call_environ()
        own = dict(environ._data)           # what this thread sees now, encoded as os keeps it
        for name in self.remove:
            own.pop(environ.encodekey(name), None)
        for name, value in self.variables.items():
            own[environ.encodekey(name)] = environ.encodevalue(value)
        self._token = _CALL_ENVIRONMENT.set(own)

    def __exit__(self, *exc):
        _CALL_ENVIRONMENT.reset(self._token)
        return False


# The environment of the handler call running in this thread (os.environ's encoded form), or None
_CALL_ENVIRONMENT: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "aslsim_lambda_call_environment", default=None)


class _PerCallEnviron(type(os.environ)):
    """``os.environ`` that reads and writes the handler call's own variables in a thread running
    one, and the process's (putenv and all, exactly as before) everywhere else. os._Environ keeps
    its variables in ``_data``: every read goes through it."""

    @property
    def _data(self):
        own = _CALL_ENVIRONMENT.get()
        return self.__dict__["_data"] if own is None else own

    @_data.setter
    def _data(self, value):
        self.__dict__["_data"] = value

    def __setitem__(self, key, value):
        own = _CALL_ENVIRONMENT.get()
        if own is None:
            return super().__setitem__(key, value)
        own[self.encodekey(key)] = self.encodevalue(value)      # no putenv: the process's stays

    def __delitem__(self, key):
        own = _CALL_ENVIRONMENT.get()
        if own is None:
            return super().__delitem__(key)
        try:
            del own[self.encodekey(key)]
        except KeyError:
            raise KeyError(key) from None


def _per_call_environ() -> _PerCallEnviron:
    """os.environ, made able to show each handler call its own variables (once, in place: the
    same object, so that ``from os import environ`` anywhere sees it too)."""
    environ = os.environ
    if type(environ) is not _PerCallEnviron:
        with _LOCK:
            if type(environ) is _PerCallEnviron.__base__:
                environ.__class__ = _PerCallEnviron
    if type(environ) is not _PerCallEnviron:
        raise RuntimeError("os.environ has been replaced by a "
                           f"{type(environ).__name__}: local Lambda handlers need the real one")
    return environ
