"""The public face of a compiled state machine: load once, run many times."""
from __future__ import annotations

import functools
import math
import random
import re
import uuid
from pathlib import Path
from typing import Any

from .definition.acceptance import size_problem
from .definition.parse import check_json, parse_machine
from . import arns
from .definition.limits import PAYLOAD_BYTES as PAYLOAD_LIMIT
from .engine.execution import Execution
from .engine.history import aws_events
from .engine import redrive
from .engine.identity import Identity, Seeds
from .engine.plan import compile_plan
from .engine.run import ExecutionRun
from . import jsonvalues
from .errors import DefinitionError, InputError
from .observers import notify
from .services import api_models
from .services.calls import TaskFailure, TaskSuccess
from .services.mocks import Mocks, MockTargets
from .services.nested import NestedExecutions
from .services.router import Services
from .run_setup import clock_start_ms, task_services
from .sources import MachineSource, SourceError, choose, read_source
from .test_state import test_state


class _NoInput:
    """The input of a run given none: ``{}``, as StartExecution without an input (None is null)."""

    def __repr__(self) -> str:
        return "<no input: {}>"


NO_INPUT = _NoInput()


class StateMachine:
    """A compiled, reusable state machine. ``run`` never re-parses the definition."""

    def __init__(self, compiled, name: str):
        self._compiled = compiled
        self._plan = compile_plan(compiled.graph)     # the engine's compiled form, made once
        self.name = name
        self._task_list: list | None = None
        self._own_targets: MockTargets | None = None     # this machine's alone, made once
        self.type = "STANDARD"     # the execution type its source gives (a template's Type)

    @property
    def definition(self) -> dict:
        return self._compiled.source

    @property
    def file(self) -> str | None:
        return self._compiled.file

    @property
    def states(self) -> dict:
        """Every state of the machine, nested ones included, by name."""
        return dict(self._compiled.all_states)

    def run(self, input: Any = NO_INPUT, *, mocks: dict | Mocks | None = None,
            mock_config=None, test_case: str | None = None, lambdas=None, aws: str | None = None,
            callbacks: dict | None = None, machines=None, start_time=None, seed: int = 0,
            execution_type: str | None = None, name: str | None = None,
            stop_after: float | None = None, region: str = arns.DEFAULT_REGION, account: str = arns.ACCOUNT,
            s3=None, role_arn: str | None = None, answers=None) -> Execution:
        """Run one execution to its end on virtual time and return it.

        ``input`` is any JSON value (None is JSON null, as in ``json.loads("null")``); without
        one the execution gets ``{}``, as StartExecution without an input does.

        What answers a Task, in the order asked:

        - ``mocks``: declared answers by state name, resource ARN or Lambda function name
          (see ``aslsim.Mocks``);
        - ``mock_config`` + ``test_case``: a Step Functions Local MockConfigFile (path or dict)
          and the test case to use for this machine;
        - ``lambdas``: local Python handlers by function name or ARN (``"handlers/f.py:handler"``
          relative to the definition's folder, ``"package.module:handler"``, or a callable);
        - ``aws="moto"``: moto's in-memory AWS, which the test can read back with boto3;
        - ``machines``: child state machines that ``states:startExecution`` Tasks start, by name
          or ARN (or a list of StateMachine objects, keyed by their names); they run in aslsim on
          the same virtual clock with the same answerers.

        ``execution_type`` is STANDARD or EXPRESS; by default the machine's own type (``type``:
        what its template says, else STANDARD).

        ``region`` and ``account`` are the state machine's: they are in the execution's ARNs and
        the Task events, and moto answers there.

        ``stop_after`` stops the execution (StopExecution) that many virtual seconds after its
        start: it ends ABORTED and whatever was still to happen never happens.

        ``s3`` is where a Distributed Map's ItemReader reads and its ResultWriter writes: a folder
        whose sub-folders are buckets, a ``{bucket: folder}`` dict, or an S3Store; with
        ``aws="moto"`` and no ``s3``, moto's S3.

        ``role_arn`` is the execution role, as ``$$.Execution.RoleArn`` and the history show it.

        ``callbacks`` end ``.waitForTaskToken`` waits whose token a real service received
        (``{"State": aslsim.TaskSuccess(output, after=30)}``).

        ``answers`` is an answerer asked before all of these (an object whose ``session()`` answers
        a ``TaskCall`` or returns None); ``aslsim.replay`` answers from a recorded history this way.
        """
        options = dict(mocks=mocks, mock_config=mock_config, test_case=test_case, lambdas=lambdas,
                       aws=aws, callbacks=callbacks, machines=machines, region=region,
                       account=account, s3=s3, start_time=start_time, seed=seed, execution_type=execution_type, name=name,
                       stop_after=stop_after, role_arn=role_arn, answers=answers)
        return self._launch(input, options, outside=None).execution

    def start(self, input: Any = NO_INPUT, *, outside, until_ms: int | None = None, **options) -> "LiveExecution":
        """Start an execution whose activity and callback Tasks wait on ``outside`` (what the
        server's GetActivityTask and SendTask* answer): it runs until it ends or waits (with the
        clock held at ``until_ms`` when given, for real time); the LiveExecution then goes on with
        ``deliver``, ``advance`` and ``stop``. ``options`` are ``run``'s, and ``children``: an
        answerer of ``states:startExecution`` Tasks asked instead of ``machines``' (the server's,
        whose child executions are executions of its own)."""
        return self._launch(input, options, outside=outside, until_ms=until_ms)

    def test_state(self, state_name: str, input: Any = None, **options):
        """TestState of one of this machine's top-level states (see ``aslsim.test_state``)."""
        return test_state(self.definition, input, state_name=state_name, **options)

    def redrive(self, execution: Execution, *, redrive_count: int = 1, at=None, outside=None,
                until_ms: int | None = None, **options) -> "LiveExecution":
        """RedriveExecution: go on with an execution that did not succeed, from the top-level
        state where it stopped, with that state's input and the variables it had; its history
        goes on after an ExecutionRedriven event, on the clock from ``at`` (default: where it
        stopped, or where its Map Runs' Express children that outlived it ended). In a Parallel or inline Map state only the branches and iterations that failed,
        were aborted or never ran run again (each from the state it stopped in), as on AWS; the
        others keep their outputs. A Distributed Map goes on with its Map Run (a MapRunRedriven
        event): only its child executions that did not succeed run again, under their names."""
        at_ms = redrive.settled_ms(execution.stop_ms, execution.map_runs) if at is None else clock_start_ms(at)
        if ":express:" in execution.execution_arn:
            raise InputError("An EXPRESS execution cannot be redriven (RedriveExecution is for STANDARD "
                             "ones; an Express child of a Distributed Map runs again when its parent is redriven)")
        reason = redrive.refusal(execution.status, execution.start_ms, execution.stop_ms,
                                 len(execution._log.records), at_ms)
        if reason is not None:
            raise InputError(reason)
        state, data = _redrive_point(execution)
        state = state or self._compiled.graph.start_at
        point = execution._resume
        children = redrive.children_of(point) if getattr(point, "state", None) == state else None
        if execution.error == "States.DataLimitExceeded":
            children = None     # documented: the state runs again whole, its children all rerun
        options = {**options, "name": execution.name, "start_time": execution.start_ms,
                   "seed": options.get("seed", 0) + redrive_count}
        live = self._launch(execution.input, options, outside=outside, until_ms=until_ms,
                            history=execution._log, redrive=(redrive_count, at_ms, state, data,
                                                                 execution.variables, children,
                                                                 execution.map_runs))
        return live

    def _launch(self, input: Any, options: dict, outside, until_ms: int | None = None, history=None,
                redrive=None) -> "LiveExecution":
        unknown = options.keys() - _LAUNCH_DEFAULTS.keys()
        if unknown:
            raise TypeError(f"unexpected options: {', '.join(sorted(unknown))}")
        options = {**_LAUNCH_DEFAULTS, **options}
        execution_type, region, seed, name = (options["execution_type"], options["region"], options["seed"],
                                              options["name"])
        if execution_type is None:
            execution_type = self.type      # STANDARD unless the template says EXPRESS
        if execution_type not in ("STANDARD", "EXPRESS"):
            raise InputError(f"execution_type must be STANDARD or EXPRESS, not {execution_type!r}")
        execution_input, input_size = _private_input(input)
        _check_callbacks(options["callbacks"])
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InputError(f"seed must be an integer, not {seed!r}")
        if name is not None and (not isinstance(name, str) or not name):
            raise InputError(f"name must be a non-empty string (the execution's name), not {name!r}")
        start_ms = clock_start_ms(options["start_time"])
        if name is None:
            name = _default_name(seed)
        if region != arns.DEFAULT_REGION and (not isinstance(region, str) or not _REGION.fullmatch(region)):
            raise InputError(f"region must be an AWS region name such as eu-west-1, not {region!r}")
        account = options["account"]
        if account != arns.ACCOUNT and (not isinstance(account, str) or not _ACCOUNT.fullmatch(account)):
            raise InputError(f"account must be a 12-digit AWS account id, not {account!r}")
        stop_after = options["stop_after"]
        if stop_after is not None and (isinstance(stop_after, bool) or not isinstance(stop_after, (int, float))
                                       or not 0 <= stop_after < math.inf):
            raise InputError(f"stop_after must be a finite number of seconds >= 0, not {stop_after!r}")
        stop_ms = None if stop_after is None else start_ms + int(round(stop_after * 1000))
        if not isinstance(options["mocks"], Mocks):
            options["mocks"] = Mocks(options["mocks"])
        if options["mocks"]:      # a typo in a key is refused before the run, not met in it
            options["mocks"].check_keys(self._mock_targets(options["machines"]))
        services = self._services(options, seed, outside).session()
        store = _s3_store(options["s3"], options["aws"], region)
        seeds = Seeds(seed)
        identity = Identity(machine_name=self.name, name=name, region=region,
                            express=execution_type == "EXPRESS", start_ms=start_ms,
                            execution_input=execution_input, seeds=seeds, account=account,
                            role_arn=options["role_arn"])
        runner = ExecutionRun(self._plan, execution_input, services=services, identity=identity,
                              seeds=seeds, timeout_seconds=self._compiled.timeout_seconds,
                              stop_ms=stop_ms, s3=store, input_size=input_size)
        live = LiveExecution(self, runner, services, store, outside)
        if redrive is None:
            live.begin(until_ms=until_ms)
            return live
        count, at_ms, state, data, variables, children, previous_runs = redrive
        runner.redrive(history, count, at_ms, variables, map_runs=previous_runs)
        live.begin(state, data, until_ms=until_ms, resume=children)
        return live

    def _services(self, options: dict, seed: int, outside=None) -> Services:
        nested = options["children"]
        if nested is None and options["machines"]:
            nested = NestedExecutions(_machines_by_key(options["machines"]), self._child_runner(options, seed))
        return task_services(options, machine_name=self.name, file=self.file, nested=nested, outside=outside)

    def _mock_targets(self, machines) -> MockTargets:
        """Every Task of this machine and of the child machines the run may start (they run with
        the same mocks)."""
        if not machines and self._own_targets is not None:
            return self._own_targets
        targets = MockTargets()
        children = list(_machines_by_key(machines).values()) if machines else []
        for machine in [self, *children]:
            for task in machine._tasks():
                targets.add_task(*task)
        if not machines:
            self._own_targets = targets
        return targets

    def _tasks(self) -> list[tuple]:
        """(name, Resource, Parameters or Arguments) of every Task state, as written."""
        if self._task_list is None:
            self._task_list = [(name, body["Resource"], body.get("Parameters", body.get("Arguments")))
                               for name, body in _raw_states(self.definition)
                               if body.get("Type") == "Task" and isinstance(body.get("Resource"), str)]
        return self._task_list

    @staticmethod
    def _child_runner(options: dict, seed: int):
        # a child shares its parent's answerers and region, not its name, start or type
        shared = {k: options[k] for k in ("mocks", "mock_config", "test_case", "lambdas", "aws",
                                          "callbacks", "machines", "region", "account", "s3")}

        def run_child(machine, child_input, name, start_ms):
            return machine.run(child_input, start_time=start_ms, seed=seed, name=name, **shared)
        return run_child

    def __repr__(self) -> str:
        return f"<StateMachine {self.name}>"


class LiveExecution:
    """An execution that may wait on the outside world: it runs until it ends or waits, and
    goes on when the outside world answers (``deliver``), when time is moved (``advance``), or
    stops (``stop``). ``execution`` is the finished Execution once it has ended."""

    def __init__(self, machine: "StateMachine", runner, services, store, outside):
        self.machine = machine
        self.runner = runner
        self._services = services
        self._store = store
        self._outside = outside
        self.execution: Execution | None = None

    @property
    def finished(self) -> bool:
        return self.execution is not None

    @property
    def now_ms(self) -> int:
        return self.runner.scheduler.now

    @property
    def awaiting(self) -> list:
        """The Outside waits the execution is blocked on."""
        return self.runner.scheduler.awaiting

    def history(self) -> list[dict]:
        """The events so far, as GetExecutionHistory returns them."""
        return self.execution.history if self.execution is not None else aws_events(self.runner.recorder.log)

    def begin(self, start_at: str | None = None, data: Any = None, until_ms: int | None = None,
              resume: list | None = None) -> bool:
        self.runner.begin(start_at, data, resume)
        return self.advance(until_ms)

    def advance(self, until_ms: int | None = None) -> bool:
        """Run on (with the clock moved to ``until_ms``, when given); True once it has ended."""
        if self.execution is not None:
            return True
        try:
            outcome = self.runner.advance(until_ms)
        except BaseException:
            self._close()
            raise
        if outcome is None:
            if self._outside is None:
                self._close()
                raise RuntimeError("an execution without an outside world waits on it")
            return False
        self._finish(outcome)
        return True

    def deliver(self, waiter, message, until_ms: int | None = None) -> bool:
        """Wake the Task awaiting ``waiter`` with ``message`` and run on (up to ``until_ms``, when
        given); False when none awaits it."""
        if self.execution is not None or not self.runner.scheduler.wake(waiter, message):
            return False
        self.advance(until_ms)
        return True

    def stop_child(self, execution_arn: str, error: str | None = None, cause: str | None = None,
                   until_ms: int | None = None) -> bool:
        """StopExecution of a running child of this execution's Distributed Maps: it ends ABORTED,
        the Map Run goes on without it (counted as not succeeded); False when none has that ARN."""
        from .engine.distributed.stopping import stop_child
        if self.execution is not None or not stop_child(self.runner.run_state, execution_arn, error, cause):
            return False
        self.advance(until_ms)
        return True

    def stop(self, error: str | None = None, cause: str | None = None) -> Execution:
        """StopExecution: the execution ends ABORTED now."""
        if self.execution is None:
            self._finish(self.runner.stop(error, cause))
        return self.execution

    def _close(self) -> None:
        self._services.close()
        if isinstance(self._store, _MotoS3OnFirstUse):
            self._store.close()

    def _finish(self, outcome) -> None:
        self._close()
        status, output, error, cause = outcome
        runner = self.runner
        self.execution = Execution(status=status, output=output, error=error, cause=cause,
                                   variables=dict(runner.top.scope.values), name=runner.name,
                                   execution_arn=runner.execution_arn, start_ms=runner.start_ms,
                                   stop_ms=runner.scheduler.now, log=runner.recorder.log,
                                   unused_mocks=self._services.unused_mocks(), input=runner.input,
                                   machine=self.machine, map_runs=runner.map_runs,
                                   resume=runner.top.resume)
        notify(self.machine, self.execution)


def _redrive_point(execution: Execution) -> tuple[str | None, Any]:
    """The top-level state a redrive starts from (the last one entered) and its input."""
    top = [name for name in execution.path if isinstance(name, str)]
    if not top:
        return None, execution.input
    state = top[-1]
    for event_type, _, details, _, _ in reversed(execution._log.records):
        if event_type.endswith("StateEntered") and details.get("name") == state:
            return state, details.get("input")
    return state, execution.input


def _raw_states(definition: dict):
    """(name, body) of every state as written, nested ones included."""
    graphs = [definition]
    while graphs:
        graph = graphs.pop()
        for name, body in (graph.get("States") or {}).items():
            yield name, body
            graphs.extend(body.get("Branches") or [])
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(body.get(key), dict):
                    graphs.append(body[key])


# every option of a run (``run``, ``start``, ``redrive``) and its default
_LAUNCH_DEFAULTS = dict(mocks=None, mock_config=None, test_case=None, lambdas=None, aws=None,
                        callbacks=None, machines=None, region=arns.DEFAULT_REGION, account=arns.ACCOUNT,
                        s3=None, start_time=None, seed=0, execution_type=None, name=None,
                        stop_after=None, role_arn=None, answers=None, children=None)
_REGION, _ACCOUNT = re.compile(r"[a-z]{2}(-[a-z]+)+-\d"), re.compile(r"\d{12}")


@functools.lru_cache(maxsize=256)
def _default_name(seed: int) -> str:
    """The execution name a seed gives (seeding a generator costs more than a short run)."""
    return str(uuid.UUID(int=random.Random(f"name:{seed}").getrandbits(128), version=4))


def _private_input(value) -> Any:
    """The execution input as a private copy of JSON (the caller's object is never touched),
    and its size in bytes."""
    execution_input = {} if value is NO_INPUT else value
    try:
        jsonvalues.check(execution_input)
    except jsonvalues.NotJSON as err:
        raise InputError(f"the execution input is not JSON: {err}") from None
    private, text = jsonvalues.copy(execution_input)
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    if size > PAYLOAD_LIMIT:
        raise InputError(f"the execution input is larger than {PAYLOAD_LIMIT} bytes, which AWS refuses")
    return private, size


def _check_callbacks(callbacks) -> None:
    if callbacks is None:
        return
    if not isinstance(callbacks, dict):
        raise InputError("callbacks must map Task state names (or resources) to aslsim.TaskSuccess "
                         f"or aslsim.TaskFailure, not {type(callbacks).__name__}")
    for key, spec in callbacks.items():
        if isinstance(spec, TaskSuccess):
            try:
                jsonvalues.check(spec.output)
            except jsonvalues.NotJSON as err:
                raise InputError(f"callbacks['{key}']: the TaskSuccess output is not JSON: {err}") from None
        elif not isinstance(spec, TaskFailure) and not callable(spec):
            raise InputError(f"callbacks['{key}'] must be aslsim.TaskSuccess, aslsim.TaskFailure or a "
                             f"function returning one, not {type(spec).__name__}")


def _s3_store(s3, aws, region):
    """Where Distributed Maps read and write S3 objects: the given store or folder, or moto's S3."""
    if s3 is None:
        return _MotoS3OnFirstUse(region) if aws == "moto" else None
    from .engine.distributed.s3_store import LocalS3Store
    if isinstance(s3, (str, Path, dict)):
        return LocalS3Store(s3)
    if all(hasattr(s3, name) for name in ("get_object", "list_objects_v2", "put_object")):
        return s3
    raise InputError("s3 must be a folder whose sub-folders are buckets, a {bucket: folder} dict, "
                     f"or an S3Store, not {s3!r}")


class _MotoS3OnFirstUse:
    """moto's S3, with its boto3 client made only when a Distributed Map first needs it; when no
    ``mock_aws()`` is active it starts one for the run, so that nothing ever reaches real AWS."""

    def __init__(self, region: str):
        self._region = region
        self._store = None
        self._mock = None

    def __getattr__(self, name):
        if self._store is None:
            from .engine.distributed.s3_store import MotoS3Store
            from .services.moto_backend import own_moto_unless_active
            self._mock = own_moto_unless_active()
            self._store = MotoS3Store(self._region)
        return getattr(self._store, name)

    def close(self) -> None:
        if self._mock is not None:
            self._mock.close()
            self._mock = None


def _machines_by_key(machines) -> dict:
    if isinstance(machines, dict):
        by_key = machines
    elif isinstance(machines, (list, tuple)):
        for i, machine in enumerate(machines):
            if not isinstance(machine, StateMachine):
                raise InputError(f"machines[{i}] must be a StateMachine (from aslsim.load), not "
                                 f"{type(machine).__name__}")
        return {m.name: m for m in machines}
    else:
        raise InputError("machines must map state machine names or ARNs to StateMachine objects, "
                         "or be a list of StateMachine objects")
    for key, machine in by_key.items():
        if not isinstance(key, str) or not isinstance(machine, StateMachine):
            raise InputError(f"machines[{key!r}] must be a StateMachine (from aslsim.load) keyed by "
                             "its name or ARN")
    return by_key


def load(source: Any, *, name: str | None = None, state_machine: str | None = None,
         substitutions: dict | None = None) -> StateMachine:
    """Compile a state machine from a file path, a dict, or JSON/YAML text.

    The file may be a definition or hold machines: a CloudFormation / SAM template (CDK's output
    too), a Serverless ``serverless.yml`` or a Terraform ``.tf`` file. ``state_machine`` chooses
    one by logical id or name (needed when the file holds several); ``substitutions`` give
    placeholders, parameters and variables their values (docs/sources.md). ``name`` is the
    machine's name (its entry in a mock config); by default its own name, or the file's stem.

    Raises DefinitionError where AWS's CreateStateMachine would refuse the definition, or when the
    file cannot be read or the machine cannot be chosen.
    """
    chosen = read_machine(source, state_machine=state_machine, substitutions=substitutions)
    compiled = parse_machine(chosen.definition, file=chosen.file,
                             check_resource=api_models.check_definition_resource)
    if name is None:
        own = [a for a in chosen.aliases if isinstance(a, str) and a]
        name = (state_machine if chosen.kind == "definition" and state_machine
                else own[0] if own else chosen.name)
    machine = StateMachine(compiled, name)
    machine.type = chosen.machine_type or "STANDARD"
    return machine


def read_machine(source: Any, *, state_machine: str | None = None,
                 substitutions: dict | None = None) -> MachineSource:
    """The one machine of ``source`` to compile, read by the sources layer; raises
    DefinitionError naming the file (and the position, when the text is broken)."""
    if substitutions is not None and not isinstance(substitutions, dict):
        raise InputError("substitutions must map placeholder names to values")
    if state_machine is not None and not isinstance(state_machine, str):
        raise InputError("state_machine must be the logical id or the name of a state machine")
    where = str(source) if isinstance(source, (str, Path)) and not str(source).lstrip()[:1] in "{[" \
        and "\n" not in str(source) else "the definition"
    try:
        chosen = choose(read_source(source, substitutions=substitutions), state_machine, where)
    except SourceError as err:
        raise DefinitionError(_with_position(err), file=getattr(err, "file", None)) from None
    if chosen.error is not None:
        raise DefinitionError(_with_position(chosen.error),
                              file=chosen.error_file or chosen.file) from None
    try:
        check_json(chosen.definition)    # before measuring it: a set or NaN has no JSON size
    except DefinitionError as err:
        raise err.located(file=chosen.file) from None
    problem = size_problem(chosen.definition)
    if problem:
        raise DefinitionError(problem, file=chosen.file)
    return chosen


def _with_position(err: SourceError) -> str:
    return f"{err.message} at line {err.line} column {err.column}" if err.line else err.message
