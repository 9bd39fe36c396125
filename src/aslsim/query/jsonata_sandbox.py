"""JSONata evaluations that could exhaust memory run in a helper process with a memory limit.

jlens (the Rust engine) bounds each array, string and result, and the time an evaluation takes,
but not the memory an evaluation holds on the way: ``$count([1..10000].([1..10000]))`` builds
10,000 arrays of 10,000 numbers (gigabytes) before any bound applies, and when an allocation
fails Rust aborts the process. So an expression that can multiply data beyond its input (a range
``..``, ``$range``, a function it defines) is evaluated in a helper process whose address space
is limited (``MEMORY_LIMIT_MIB`` beyond its own): if it dies, the evaluation fails with a
JSONata error (States.QueryEvaluationError for the state) and the next one starts a new helper.
Every other expression (almost all of them: 1 in 200 of the recorded ones) runs in-process.

The helper loads ``jsonata.py`` by its path (it imports nothing of aslsim) and answers
length-prefixed pickled requests on its standard input and output.
"""
from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from typing import Any

MEMORY_LIMIT_MIB = 1024


class SandboxDied(Exception):
    """The helper process ended during an evaluation (its memory limit), or did not answer."""


class _Helper:
    def __init__(self):
        here = os.path.dirname(os.path.abspath(__file__))
        self.process = subprocess.Popen(
            [sys.executable, "-I", os.path.abspath(__file__), os.path.join(here, "jsonata.py"),
             str(MEMORY_LIMIT_MIB)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def ask(self, request, timeout_s: float):
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(struct.pack(">Q", len(data)) + data)
            self.process.stdin.flush()
            head = self._read(8, timeout_s)
            return pickle.loads(self._read(struct.unpack(">Q", head)[0], timeout_s))
        except (OSError, EOFError, struct.error, pickle.UnpicklingError) as err:
            self.close()
            raise SandboxDied(str(err)) from None

    def _read(self, size: int, timeout_s: float) -> bytes:
        out = self.process.stdout
        chunks, left = [], size
        while left:
            ready, _, _ = select.select([out], [], [], timeout_s)
            if not ready:
                raise EOFError("no answer in time")
            chunk = os.read(out.fileno(), left)
            if not chunk:
                raise EOFError("the helper ended")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_helper: _Helper | None = None
_lock = threading.Lock()


def evaluate(text: str, variables: dict, options: dict, rng_state, input: Any, timeout_s: float):
    """(result, rng state after) of ``Expression(text).evaluate`` in the helper; the helper's
    error as ("error", kind, args), or SandboxDied."""
    global _helper
    with _lock:
        if _helper is None or _helper.process.poll() is not None:
            _helper = _Helper()
        helper = _helper
        try:
            return helper.ask((text, variables, options, rng_state, input), timeout_s + 5)
        except SandboxDied:
            _helper = None
            raise


# -- the helper process ------------------------------------------------------------------------

def _serve(jsonata_path: str, limit_mib: int) -> None:    # pragma: no cover - runs in the helper
    import importlib.util
    import random
    try:
        import resource
        with open("/proc/self/statm") as statm:
            own = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = own + limit_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass
    spec = importlib.util.spec_from_file_location("_aslsim_jsonata", jsonata_path)
    jsonata = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(jsonata)
    jsonata._IN_SANDBOX = True
    compiled: dict = {}
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = stdin.read(8)
        if len(head) < 8:
            return
        text, variables, options, rng_state, input = pickle.loads(stdin.read(struct.unpack(">Q", head)[0]))
        rng = random.Random()
        if rng_state is not None:
            rng.setstate(rng_state)
        try:
            expression = compiled.get(text) or compiled.setdefault(text, jsonata.Expression(text))
            value = expression.evaluate(variables, rng=rng, input=input, **options)
            if value is jsonata.UNDEFINED:
                answer = ("undefined", rng.getstate())
            else:
                answer = ("ok", value, rng.getstate())
        except jsonata.UnsupportedResultType as err:
            answer = ("unsupported", err.text)
        except jsonata.JsonataError as err:
            answer = ("error", type(err).__name__, err.code, err.message, err.position, err.token)
        except BaseException as err:     # a panic of the engine: an error, never the end of aslsim
            answer = ("error", "JsonataError", "U1001", f"The JSONata engine failed: {err}", None, None)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(struct.pack(">Q", len(data)) + data)
        stdout.flush()


if __name__ == "__main__":   # pragma: no cover - the helper process
    _serve(sys.argv[1], int(sys.argv[2]))
