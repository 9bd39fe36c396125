"""pytest plugin: execution snapshots (--aslsim-snapshot-update).

The ``aslsim_snapshot`` fixture records an execution's status, output, error, cause, path and
history to ``__snapshots__/<test module>/<test name>[-<name>].json`` beside the test file, and
compares later runs with it::

    def test_big_file(aslsim_snapshot):
        run = machine.run({"size": 3145728}, mocks=MOCKS)
        aslsim_snapshot.assert_match(run)             # __snapshots__/test_x/test_big_file.json
        aslsim_snapshot.assert_match(other, "retry")  # __snapshots__/test_x/test_big_file-retry.json

A missing snapshot fails; ``pytest --aslsim-snapshot-update`` writes missing snapshots and
rewrites those that differ. Runs are deterministic (virtual time, seeded ids), so a snapshot only
changes when the workflow, its mocks or aslsim's behaviour does.
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

SNAPSHOT_DIR = "__snapshots__"
FIELDS = ("status", "output", "error", "cause", "path", "history")
UPDATE_OPTION = "--aslsim-snapshot-update"
_WORKER_KEY = "aslsim_snapshots"
# characters some file systems refuse in a name (parametrized test ids may hold any of them)
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\s]')


def pytest_addoption(parser):
    group = parser.getgroup("aslsim-snapshots", "aslsim execution snapshots")
    group.addoption(UPDATE_OPTION, action="store_true", default=False,
                    help="write missing aslsim execution snapshots and rewrite those that differ")


def record(execution) -> dict:
    """What a snapshot holds of an execution, as JSON values."""
    data = {field: getattr(execution, field) for field in FIELDS}
    return json.loads(json.dumps(data, ensure_ascii=False))


def dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class _Counts:
    """What this session wrote, to sum up at the end (and to hand over from xdist workers)."""

    def __init__(self):
        self.written: list[str] = []
        self.updated: list[str] = []


_counts_key = pytest.StashKey[_Counts]()


def pytest_configure(config):
    config.stash[_counts_key] = _Counts()


class Snapshot:
    """Compares executions with the snapshots of one test."""

    def __init__(self, directory: Path, test_name: str, update: bool, counts: _Counts, rootdir: Path):
        self.directory = directory
        self.test_name = test_name
        self.update = update
        self._counts = counts
        self._rootdir = rootdir
        self._unnamed = 0

    def path(self, name: str | None = None) -> Path:
        stem = self.test_name if name is None else f"{self.test_name}-{name}"
        return self.directory / (_UNSAFE.sub("_", stem) + ".json")

    def assert_match(self, execution, name: str | None = None) -> None:
        """Fail unless the execution matches its snapshot (written or rewritten when updating).

        Several unnamed snapshots in one test are told apart by number: ``-2``, ``-3``...
        """
        __tracebackhide__ = True
        if name is None:
            self._unnamed += 1
            if self._unnamed > 1:
                name = str(self._unnamed)
        path = self.path(name)
        actual = dumps(record(execution))
        shown = self._shown(path)
        if not path.exists():
            if self.update:
                self._write(path, actual)
                self._counts.written.append(shown)
                return
            pytest.fail(f"no snapshot at {shown}: run pytest with {UPDATE_OPTION} to create it, "
                        "then review and commit it", pytrace=False)
        try:
            expected = dumps(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as err:
            expected = f"<not JSON: {err}>\n"
        if expected == actual:
            return
        if self.update:
            self._write(path, actual)
            self._counts.updated.append(shown)
            return
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                            actual.splitlines(keepends=True),
                                            fromfile=f"{shown} (snapshot)",
                                            tofile="this run", n=3))
        pytest.fail(f"the execution does not match the snapshot {shown} "
                    f"(run pytest with {UPDATE_OPTION} to accept this run):\n{diff}", pytrace=False)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self._rootdir).as_posix()
        except ValueError:
            return str(path)


def _test_name(node) -> str:
    """The test's name, preceded by its classes: TestX.test_y[param]."""
    names = [node.name]
    parent = node.parent
    while parent is not None and isinstance(parent, pytest.Class):
        names.insert(0, parent.name)
        parent = parent.parent
    return ".".join(names)


@pytest.fixture
def aslsim_snapshot(request) -> Snapshot:
    """Compare executions with snapshots beside the test file (``assert_match(execution, name)``)."""
    node = request.node
    test_file = Path(node.path)
    directory = test_file.parent / SNAPSHOT_DIR / test_file.stem
    config = request.config
    return Snapshot(directory, _test_name(node), config.getoption(UPDATE_OPTION),
                    config.stash[_counts_key], config.rootpath)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: add what a worker wrote to the summary."""
    output = getattr(node, "workeroutput", None) or {}
    if _WORKER_KEY in output and _counts_key in node.config.stash:
        counts = node.config.stash[_counts_key]
        sent = json.loads(output[_WORKER_KEY])
        counts.written += sent["written"]
        counts.updated += sent["updated"]


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput") and _counts_key in config.stash:
        counts = config.stash[_counts_key]
        config.workeroutput[_WORKER_KEY] = json.dumps({"written": counts.written,
                                                       "updated": counts.updated})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(_counts_key, None)
    if counts is None or not (counts.written or counts.updated):
        return
    terminalreporter.write_sep("-", "aslsim snapshots")
    for what, paths in (("written", counts.written), ("updated", counts.updated)):
        for path in sorted(paths):
            terminalreporter.write_line(f"{what}: {path}")
    terminalreporter.write_line(f"{len(counts.written)} snapshot(s) written, "
                                f"{len(counts.updated)} updated")
