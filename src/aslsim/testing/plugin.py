"""The pytest plugin (entry point pytest11): fixtures, assertions and test files for workflows.

Fixtures: ``load_machine``, ``aslsim_machine``, ``aslsim_mocks``, ``aslsim_start_time``,
``aslsim_run``, ``aslsim_aws``. Markers: ``aslsim_machine(path)``, ``aslsim_start_time(when)``,
``aslsim_aws(region=..., account=...)``.
Case files ``*.aslsim.yaml`` are collected as tests, one item per case. A failing test that ran
an execution gets a report of that execution (path, failing state, calls, last events), and
with ``--aslsim-report-dir DIR`` an HTML report of it (graph, path taken, timeline) in DIR.
Configuration: ini ``aslsim_statemachines`` and ``--aslsim-statemachines DIR``, folders where
machine paths are also looked up; ini ``aslsim_region`` and ``aslsim_account``. docs/testing.md has the whole story.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from ..errors import DefinitionError, InputError
from ..machine import NO_INPUT
from ..observers import observing
from ..services.mocks import Mocks
from .assertions import WorkflowAssertionError, describe
from .cases import CaseFileError, MachineFinder, MachineNotFound, is_case_file, read_cases, read_data

# aslsim's default region and account (moto's too), unless a marker or the ini says otherwise
MOTO_REGION = "us-east-1"
MOTO_ACCOUNT = "123456789012"

_FINDER = pytest.StashKey[MachineFinder]()
_LAST_EXECUTION = pytest.StashKey[dict]()


# -- configuration --------------------------------------------------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("aslsim", "aslsim (Step Functions workflows)")
    group.addoption("--aslsim-statemachines", action="append", default=[], metavar="DIR",
                    help="folder where state machine paths of tests and case files are also "
                         "looked up (repeatable; before the ini option aslsim_statemachines)")
    group.addoption("--aslsim-cases-only", action="store_true", default=False,
                    help="collect only aslsim case files (*.aslsim.yaml), as `aslsim test` does")
    group.addoption("--aslsim-report-dir", default=None, metavar="DIR",
                    help="write an HTML report (graph, path taken, timeline) of the last "
                         "execution of each failing test to DIR/<test id>.html")
    group.addoption("--aslsim-state-machine", default=None, metavar="NAME",
                    help="the state machine (logical id or name) to use from files that hold "
                         "several, when a test or case does not say (`aslsim test --state-machine`)")
    group.addoption("--aslsim-sub", action="append", default=[], metavar="KEY=VALUE",
                    help="a value for the machines' placeholders, parameters and variables "
                         "(repeatable; `aslsim test --sub`)")
    parser.addini("aslsim_region", default=MOTO_REGION,
                  help="the region aslsim_run runs in and aslsim_aws's clients talk to "
                       "(a test's @pytest.mark.aslsim_aws(region=...) wins)")
    parser.addini("aslsim_account", default=MOTO_ACCOUNT,
                  help="the AWS account id aslsim_run runs in and aslsim_aws's clients talk to "
                       "(a test's @pytest.mark.aslsim_aws(account=...) wins)")
    parser.addini("aslsim_statemachines", type="paths", default=[],
                  help="folders (relative to the ini file) where state machine paths are also "
                       "looked up")


def pytest_configure(config):
    config.addinivalue_line("markers", "aslsim_machine(path, state_machine=None, "
                                       "substitutions=None): the state machine the "
                                       "aslsim_machine and aslsim_run fixtures use (a definition, "
                                       "or a template and the machine in it)")
    config.addinivalue_line("markers", "aslsim_start_time(when): the virtual start of aslsim_run "
                                       "(ISO-8601 string, datetime or epoch ms)")
    config.addinivalue_line("markers", "aslsim_aws(region=None, account=None): the region and "
                                       "account of aslsim_run and of aslsim_aws's clients")
    folders = [Path(config.invocation_params.dir, f) for f in config.getoption("aslsim_statemachines")]
    folders += list(config.getini("aslsim_statemachines"))
    subs = {}
    for spec in config.getoption("aslsim_sub"):
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise pytest.UsageError(f"--aslsim-sub {spec!r}: expected KEY=VALUE")
        subs[key] = value
    config.stash[_FINDER] = MachineFinder(folders, root=config.rootpath,
                                          state_machine=config.getoption("aslsim_state_machine"),
                                          substitutions=subs)


def _finder(config) -> MachineFinder:
    return config.stash[_FINDER]


# -- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")   # module-wide so module-scoped fixtures can load machines too
def load_machine(request) -> Callable:
    """``load_machine(path, state_machine=None, *, substitutions=None)``: a compiled
    StateMachine, compiled once per session. ``path`` is a definition or a file holding machines
    (template, serverless.yml, .tf); ``state_machine`` chooses one (logical id or name) and names
    it (its mock-config entry).

    A relative path is looked up next to the test file, then in the configured statemachines
    folders, then in the project root.
    """
    finder, near = _finder(request.config), request.path.parent

    def load_machine(path: str | os.PathLike, state_machine: str | None = None, *,
                     substitutions: dict | None = None, name: str | None = None):
        return finder.load(path, near, state_machine or name, substitutions)
    load_machine.__qualname__ = "load_machine"   # pytest prints fixture values in failures
    return load_machine


@pytest.fixture
def aslsim_machine(request, load_machine):
    """The machine named by the closest ``@pytest.mark.aslsim_machine(path)`` (test, class or
    module ``pytestmark``)."""
    marker = request.node.get_closest_marker("aslsim_machine")
    if marker is None or not marker.args:
        pytest.fail("the aslsim_machine fixture needs a machine: mark the test, class or module "
                    "with @pytest.mark.aslsim_machine('path/to/machine.asl.json')", pytrace=False)
    options = marker.kwargs
    return load_machine(marker.args[0], options.get("state_machine", options.get("name")),
                        substitutions=options.get("substitutions"))


class MockSet(dict):
    """Mocks a test builds step by step; a dict in aslsim's mocks format (see ``aslsim.Mocks``).

    ``returns``/``throws``/``answers`` add an answer for a state name, resource ARN or Lambda
    function name. One answer serves every call; adding a second one for the same key turns them
    into a sequence, one answer per call in order (retries, loops), which fails once used up.
    """

    def __init__(self, base_dir: Path | None = None):
        super().__init__()
        self._base_dir = base_dir

    def returns(self, key: str, result: Any, *, duration: float | None = None) -> "MockSet":
        return self._add(key, {"return": result}, duration)

    def throws(self, key: str, error: str, cause: str | None = None, *,
               duration: float | None = None) -> "MockSet":
        thrown = {"Error": error} if cause is None else {"Error": error, "Cause": cause}
        return self._add(key, {"throw": thrown}, duration)

    def answers(self, key: str, function: Callable, *, duration: float | None = None) -> "MockSet":
        """``function(parameters)`` or ``function(parameters, call)`` computes the result."""
        return self._add(key, {"call": function}, duration)

    def load(self, path: str | os.PathLike) -> "MockSet":
        """Add the mocks of a JSON or YAML file (relative to the test file)."""
        path = Path(path)
        if not path.is_absolute() and self._base_dir is not None:
            path = self._base_dir / path
        spec, _ = read_data(path)
        Mocks(spec)   # refuse a malformed file here, naming it, rather than at run time
        for key, answer in spec.items():
            for one in answer if isinstance(answer, list) else [answer]:
                self._add(key, one, None)
        return self

    def _add(self, key: str, answer: dict, duration: float | None) -> "MockSet":
        if duration is not None:
            answer = {**answer, "duration": duration}
        if key not in self:
            self[key] = answer
        elif isinstance(self[key], list):
            self[key].append(answer)
        else:
            self[key] = [self[key], answer]
        return self


@pytest.fixture
def aslsim_mocks(request) -> MockSet:
    """A fresh, empty ``MockSet`` for this test; ``aslsim_run`` uses it unless given ``mocks=``."""
    return MockSet(request.path.parent)


@pytest.fixture
def aslsim_start_time(request):
    """The virtual start of ``aslsim_run``: the closest ``@pytest.mark.aslsim_start_time(when)``,
    else None (aslsim's default, 2025-01-01T00:00:00Z). Override the fixture to set it for a
    module or a whole folder."""
    marker = request.node.get_closest_marker("aslsim_start_time")
    return marker.args[0] if marker is not None and marker.args else None


@pytest.fixture
def aslsim_run(request, aslsim_start_time) -> Callable:
    """``aslsim_run([input], *, machine=None, **options)``: run and return the Execution.

    Defaults: the ``aslsim_machine`` (from the marker), the test's ``aslsim_mocks``, the
    ``aslsim_start_time``, and ``aws="moto"`` when the test uses ``aslsim_aws``. ``machine`` may
    be a StateMachine or a path; ``options`` are those of ``StateMachine.run`` and win.
    """
    def run(input: Any = NO_INPUT, *, machine=None, **options):
        if machine is None:
            machine = request.getfixturevalue("aslsim_machine")
        elif not hasattr(machine, "run"):
            machine = request.getfixturevalue("load_machine")(machine)
        if "mocks" not in options:
            options["mocks"] = request.getfixturevalue("aslsim_mocks")
        options.setdefault("start_time", aslsim_start_time)
        region, account = _region_account(request)
        options.setdefault("region", region)
        options.setdefault("account", account)
        if "aslsim_aws" in request.fixturenames:
            options.setdefault("aws", "moto")
        return machine.run(input, **options)
    run.__qualname__ = "aslsim_run"   # pytest prints fixture values in failures
    return run


def _region_account(request) -> tuple[str, str]:
    """The test's region and account: its closest ``aslsim_aws`` marker, else the ini."""
    marker = request.node.get_closest_marker("aslsim_aws")
    given = marker.kwargs if marker is not None else {}
    unknown = set(given) - {"region", "account"}
    if unknown or (marker is not None and marker.args):
        pytest.fail("@pytest.mark.aslsim_aws takes region= and account= only", pytrace=False)
    config = request.config
    return (given.get("region") or config.getini("aslsim_region") or MOTO_REGION,
            str(given.get("account") or config.getini("aslsim_account") or MOTO_ACCOUNT))


class AwsAccount:
    """The moto account of a test: boto3 clients and resources that talk to moto's memory, in
    the test's region and account (those aslsim_run runs in)."""

    def __init__(self, region: str, account: str = MOTO_ACCOUNT):
        import boto3
        self.region = region
        self.account = account
        self.session = boto3.Session(region_name=region)

    def client(self, service: str, **kwargs):
        return self._in_account(self.session.client(service, **kwargs))

    def resource(self, service: str, **kwargs):
        resource = self.session.resource(service, **kwargs)
        self._in_account(resource.meta.client)
        return resource

    def _in_account(self, client):
        if self.account != MOTO_ACCOUNT:
            from ..services.moto_backend import on_account
            on_account(client, self.account)
        return client


@pytest.fixture
def aslsim_aws(request):
    """moto's in-memory AWS for this test (``moto.mock_aws()``), as an ``AwsAccount``.

    ``aslsim_run`` then runs with ``aws="moto"``, so Tasks without a mock act on moto and the
    test reads the result back with ``aslsim_aws.client("dynamodb")``. Its region and account
    are ``@pytest.mark.aslsim_aws(region=..., account=...)`` or the ini ``aslsim_region`` /
    ``aslsim_account`` (default us-east-1, 123456789012). Skipped without moto.
    """
    try:
        import boto3  # noqa: F401  (moto needs it too; say so before moto fails obscurely)
        from moto import mock_aws
    except ImportError:
        pytest.skip("aslsim_aws needs moto and boto3: pip install moto boto3")
    with mock_aws():   # sets fake credentials for the test and restores the environment after
        yield AwsAccount(*_region_account(request))


# -- the last execution of a failing test ----------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # Child executions finish before their parent, so the last one seen is the top execution.
    seen = item.stash.setdefault(_LAST_EXECUTION, {})

    def listener(machine, execution):
        seen["execution"], seen["machine"] = execution, machine

    with observing(listener):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not report.failed or call.excinfo is None:
        return report
    seen = item.stash.get(_LAST_EXECUTION, {})
    execution = seen.get("execution")
    if execution is None:
        return report
    if not isinstance(item, CaseItem) and not isinstance(call.excinfo.value, WorkflowAssertionError):
        report.sections.append(("aslsim: the last execution of this test", describe(execution)))
    report_dir = item.config.getoption("aslsim_report_dir")
    if report_dir:
        report.sections.append(("aslsim: report", _write_html_report(item, execution, seen["machine"],
                                                                     report_dir)))
    return report


def _write_html_report(item, execution, machine, report_dir: str) -> str:
    """Write the execution's HTML report for a failing test; returns a line saying where."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_.")[:200] or "test"
    path = Path(item.config.invocation_params.dir, report_dir, name + ".html")
    try:
        execution.report(path, machine)
    except Exception as err:   # a report is a courtesy: never turn it into a second failure
        return f"could not write the HTML report {path}: {type(err).__name__}: {err}"
    return f"HTML report of the last execution: {path}"


# -- case files -----------------------------------------------------------------------------------

def pytest_ignore_collect(collection_path, config):
    if config.getoption("aslsim_cases_only") and collection_path.is_file() \
            and not is_case_file(collection_path):
        return True
    return None


def pytest_collect_file(file_path, parent):
    if is_case_file(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config, items):
    if not config.getoption("aslsim_cases_only"):
        return
    others = [item for item in items if not isinstance(item, CaseItem)]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item in items if isinstance(item, CaseItem)]


class CaseFile(pytest.File):
    """A ``*.aslsim.yaml`` file: one test item per case."""

    def collect(self):
        try:
            cases = read_cases(self.path)
        except CaseFileError as err:
            raise self.CollectError(str(err)) from None
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One case of a case file, run and checked as the file says."""

    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        execution = self.case.run(_finder(self.config))
        self.case.check(execution)

    def repr_failure(self, excinfo, style=None):
        err = excinfo.value
        if isinstance(err, WorkflowAssertionError):
            # the headline first: pytest's short summary shows the first line
            headline, _, rest = str(err).partition("\n")
            return f"{headline}\n  in {self.case.where}\n{rest}"
        if isinstance(err, (CaseFileError, MachineNotFound)):
            return str(err)
        if isinstance(err, (DefinitionError, InputError)):
            return f"{self.case.where}: {err}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.case.line - 1, self.name
