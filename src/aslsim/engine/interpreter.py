"""Runs one execution: walks the compiled graph state by state on the virtual clock.

Each thread of control (the top level, a Parallel branch, a Map iteration) is a generator run by
the scheduler, with a ``Frame`` holding its variables scope, its last event id (AWS's
previousEventId) and the path it took. State handlers are plain functions for states that never
wait and generators for those that do (Task, Wait, Parallel, Map).
"""
from __future__ import annotations

import base64
import json
import random
import uuid
from typing import Any

from ..definition.limits import PAYLOAD_BYTES as PAYLOAD_LIMIT
from ..definition.model import FailState
from ..definition.timestamps import iso_ms
from ..errors import StatesError, runtime_error
from ..query.jsonpath import dumps
from ..services.calls import Answer, MockMissing, TaskCall
from ..services.resources import describe_resource
from . import dataflow
from .context import Frame, Scope, StateEnv
from .history import MAX_EVENTS, History
from .retry import backoff_ms, find_catcher, find_retrier
from .scheduler import BLOCKED, ChildFailed, Join, Scheduler, Sleep
from .timing import resolve_seconds, wait_duration_ms

REGION = "us-east-1"
ACCOUNT = "123456789012"
DEFAULT_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/aslsim-execution-role"
# a wait nobody ends: longer than any execution may run (a Standard execution lasts a year)
_FOREVER_MS = 400 * 24 * 3600 * 1000


def _with_state_prefix(err: StatesError, state_name: str, entered_id: int) -> StatesError:
    """AWS prefixes the errors it raises itself with where they happened."""
    if err.prefix_state:
        err.cause = (f"An error occurred while executing the state '{state_name}' "
                     f"(entered at the event id #{entered_id}). {err.cause}")
        err.prefix_state = False
    return err


class Runner:
    def __init__(self, machine, execution_input, *, services, start_ms: int, seed: int,
                 execution_type: str, name: str, machine_name: str, stop_ms: int | None = None,
                 region: str = REGION, s3=None, role_arn: str | None = None):
        self.machine = machine
        self.machine_name = machine_name
        self.name = name
        self.seed = seed
        self.region = region
        self.s3 = s3                    # the S3Store a Distributed Map reads and writes (or None)
        self.map_runs: list = []        # the Distributed Map runs this execution started
        self._ids = None                # map run and child execution ids, apart from $random (lazy)
        self.stop_ms = stop_ms          # StopExecution at this virtual time (None: never)
        self.stopping = False
        self.input = execution_input
        self.services = services
        self._rng = None                # $random, jitter: seeded on first use (a child often has none)
        # what the execution exercised, for workflow coverage: (kind, state, detail) tuples
        self.trace: list[tuple] = []
        self._tokens = None             # apart, so tokens never shift $random (made on first use)
        self.clock = Scheduler(start_ms)
        self.history = History(self.clock)
        self.express = execution_type == "EXPRESS"
        self.calls: list[dict] = []
        self.start_ms = start_ms
        machine_arn = f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{machine_name}"
        if self.express:
            execution_arn = (f"arn:aws:states:{region}:{ACCOUNT}:express:{machine_name}:{name}:"
                             f"{_uuid(self.rng)}")
        else:
            execution_arn = f"arn:aws:states:{region}:{ACCOUNT}:execution:{machine_name}:{name}"
        self.execution_arn = execution_arn
        self.execution_context = {
            "Id": execution_arn, "Input": execution_input, "StartTime": iso_ms(start_ms),
            "Name": name, "RoleArn": role_arn or DEFAULT_ROLE_ARN}
        if not self.express:  # Express executions cannot be redriven: no RedriveCount (recorded)
            self.execution_context["RedriveCount"] = 0
        self.state_machine_context = {"Id": machine_arn, "Name": machine_name}
        self.top = Frame(Scope(), 0)
        self.inspection: dict | None = None   # TestState's stage values (engine/tester.py)

    # -- the execution ------------------------------------------------------------------------
    def run(self):
        """Returns (status, output, error, cause)."""
        self.begin()
        outcome = self.advance()
        if outcome is None:   # nothing outside can wake a plain run's waits: a bug
            raise RuntimeError("an execution without an outside world waits on it")
        return outcome

    def begin(self, start_at: str | None = None, data: Any = None):
        """Record ExecutionStarted and schedule the top-level graph (from ``start_at`` with
        ``data`` when an execution is redriven; the history then goes on where it was)."""
        if start_at is None:
            self.history.add("ExecutionStarted", 0, {
                "input": self.input, "roleArn": self.execution_context["RoleArn"]})
            # AWS records the first state as following event 0, not ExecutionStarted (recorded).
            self.top.prev = 0
            data = self.input
        self._deadline = None
        if self.machine.timeout_seconds is not None:
            self._deadline = self.clock.now + self.machine.timeout_seconds * 1000
        if self.stop_ms is not None and (self._deadline is None or self.stop_ms < self._deadline):
            self._deadline, self.stopping = self.stop_ms, True
        self.clock.start(self.run_graph(self.machine.graph, data, self.top, start_at=start_at))

    def advance(self, until_ms: int | None = None):
        """Run on until the execution ends -> (status, output, error, cause), or until it waits on
        the outside world with the clock at ``until_ms`` (or standing still) -> None."""
        try:
            state = self.clock.advance(until_ms, self._deadline)
            if state == BLOCKED:
                return None
            finished, output = self.clock.outcome()
        except StatesError as err:
            self.history.add("ExecutionFailed", len(self.history), {"error": err.error, "cause": err.cause})
            # an empty cause is absent on AWS, in the event and in DescribeExecution (recorded)
            return "FAILED", None, err.error, err.cause or None
        if not finished and self.stopping:
            # recorded (test_stop_execution): ExecutionAborted follows event 0, with empty details
            self.history.add("ExecutionAborted", 0, {})
            return "ABORTED", None, None, None
        if not finished:
            cause = "The execution timed out."
            self.history.add("ExecutionTimedOut", len(self.history), {"error": "States.Timeout", "cause": cause})
            return "TIMED_OUT", None, "States.Timeout", cause
        self.history.add("ExecutionSucceeded", self.top.prev, {"output": output})
        # the caller gets its own copy: outputs may share objects with constants or mocks
        return "SUCCEEDED", json.loads(dumps(output)), None, None

    def redrive(self, history, count: int, at_ms: int, variables: dict) -> None:
        """Go on from an ended execution: its events, its variables, the clock at ``at_ms``, and
        an ExecutionRedriven event that the redriven state follows."""
        self.history._records = list(history._records)
        self.clock.now = max(self.clock.now, at_ms)
        self.top.scope.values.update(variables)
        self.execution_context["RedriveCount"] = count
        self.top.prev = self.history.add("ExecutionRedriven", len(self.history), {"redriveCount": count})

    def stop(self, error: str | None = None, cause: str | None = None):
        """StopExecution of a waiting execution: its open states end without events (recorded)."""
        self.stopping = True
        self.clock.stop()
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        self.history.add("ExecutionAborted", 0, details)
        return "ABORTED", None, error, cause

    def child(self, graph_input, *, name: str, label: str, express: bool) -> "Runner":
        """A child workflow execution of a Distributed Map, run on this execution's clock.

        It has its own history, ARN and Context object (its state machine is ``machine/label``,
        as AWS names it) and no access to this execution's variables; it shares the services,
        the recorded calls and the coverage trace.
        """
        child = Runner(self.machine, graph_input, services=self.services, start_ms=self.clock.now,
                       seed=self._id_source().getrandbits(64),
                       execution_type="EXPRESS" if express else "STANDARD", name=name,
                       machine_name=f"{self.machine_name}/{label}", region=self.region, s3=self.s3,
                       role_arn=self.execution_context["RoleArn"])
        child.clock = self.clock
        child.history = History(self.clock)
        child.calls, child.trace, child.map_runs = self.calls, self.trace, self.map_runs
        child.stopping = self.stopping
        return child

    def run_child(self, graph):
        """A generator running this child execution to its end: (status, output, error, cause)."""
        self.history.add("ExecutionStarted", 0, {
            "input": self.input, "roleArn": self.execution_context["RoleArn"]})
        self.top.prev = 0
        try:
            output = yield from self.run_graph(graph, self.input, self.top)
        except StatesError as err:
            self.history.add("ExecutionFailed", len(self.history), {"error": err.error, "cause": err.cause})
            if getattr(err, "test_setup", False):
                raise
            return "FAILED", None, err.error, err.cause or None
        except GeneratorExit:
            if not self.stopping:
                self.history.add("ExecutionAborted", len(self.history), {})
            raise
        self.history.add("ExecutionSucceeded", self.top.prev, {"output": output})
        return "SUCCEEDED", output, None, None

    def new_id(self) -> str:
        """A UUID for a map run or a child execution name: deterministic, apart from ``$random``."""
        return _uuid(self._id_source())

    @property
    def rng(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng

    def _id_source(self) -> random.Random:
        if self._ids is None:
            self._ids = random.Random(f"ids:{self.seed}")
        return self._ids

    def event(self, event_type: str, frame: Frame, details: dict | None = None) -> int:
        if not self.express and len(self.history) >= MAX_EVENTS:
            raise StatesError("States.Runtime",
                              f"The execution reached the maximum number of history events ({MAX_EVENTS}).")
        frame.prev = self.history.add(event_type, frame.prev, details)
        return frame.prev

    def run_graph(self, graph, data: Any, frame: Frame, start_at: str | None = None):
        """A generator running one graph from its StartAt (or ``start_at``) to an end; returns
        the final output."""
        name = start_at or graph.start_at
        states = graph.states
        while True:
            state = states[name]
            frame.path.append(name)
            before = frame.prev
            entered = self.event(state.type + "StateEntered", frame, {"name": name, "input": data})
            env = StateEnv(self, frame, state, self.clock.now)
            env.entered_prev = before
            handler = _HANDLERS[state.type]
            try:
                if handler in _WAITING:
                    output, next_name, assigned = yield from handler(self, state, data, frame, env, entered)
                else:
                    output, next_name, assigned = handler(self, state, data, frame, env)
            except StatesError as err:
                self.record_failure(err, state, env, entered)
                if frame.in_parallel and state.type == "Task":
                    # recorded: a Task failing in a Parallel branch is then marked aborted
                    self.event("TaskStateAborted", frame)
                raise  # record_failure has already worded it
            except GeneratorExit:
                if not self.stopping:   # recorded: a stopped execution's open states get no event
                    self.history.add(state.type + "StateAborted", frame.prev)
                raise
            details = {"name": name, "output": output}
            if assigned:
                frame.scope.values.update(assigned)
                details["assignedVariables"] = assigned
            self.event(state.type + "StateExited", frame, details)
            self.trace.append(("transition", name, next_name))
            if next_name is None:
                return output
            data = output
            name = next_name

    # -- shared by Task, Parallel and Map --------------------------------------------------------
    def record_failure(self, err: StatesError, state, env, entered: int):
        """Word the error as AWS does and record an EvaluationFailed event for JSONata errors."""
        _with_state_prefix(err, state.name, entered)
        if err.location is not None and not err.recorded:
            # recorded: EvaluationFailed follows the event before the state's Entered event
            details = {"error": err.error, "cause": err.cause, "location": err.location, "state": state.name}
            if not err.location:
                del details["location"]    # recorded: a check of the whole input names no field
            self.history.add("EvaluationFailed", entered if err.after_entered else env.entered_prev, details)
            env.frame.prev = len(self.history)
        err.recorded = True

    def new_task_token(self) -> str:
        """A task token for a .waitForTaskToken attempt: opaque, unique, the same on every rerun."""
        if self._tokens is None:
            self._tokens = random.Random(f"task-token:{self.seed}")
        raw = self._tokens.getrandbits(512).to_bytes(64, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def retry_delay(self, state, err: StatesError, counters: list, env, entered: int):
        """The delay (ms) before the next attempt, or None when no retrier will retry.

        The first retrier whose ErrorEquals matches decides, even when it is exhausted.
        """
        self.record_failure(err, state, env, entered)
        index = find_retrier(state.retriers, err.error)
        if index is None:
            return None
        retrier = state.retriers[index]
        if counters[index] >= retrier.max_attempts:
            return None
        delay = backoff_ms(retrier, counters[index], self.rng)
        counters[index] += 1
        self.trace.append(("retry", state.name, index))
        return delay

    def catch(self, state, raw, err: StatesError, env):
        """The (output, next, assigned) of the first matching catcher; re-raises without one."""
        catcher = find_catcher(state.catchers, err.error)
        if catcher is None:
            raise err
        self.trace.append(("catch", state.name, next(i for i, c in enumerate(state.catchers) if c is catcher)))
        caught = dataflow.error_output(err)
        assigned = dataflow.evaluate_assign(catcher.assign, state.jsonata, caught, raw, env,
                                            error_output=caught)
        if state.jsonata:
            output = (catcher.output.render(env, dataflow.states_binding(env, raw, error_output=caught))
                      if catcher.output is not None else caught)
        else:
            output = dataflow.apply_result_path(catcher.result_path, raw, caught)
        return output, catcher.next, assigned

    def finish(self, state, raw, data, result, env):
        """Assign, ResultSelector, ResultPath/Output, OutputPath for a state with a result."""
        assigned = dataflow.evaluate_assign(state.assign, state.jsonata, result, raw, env, result=result)
        selected = dataflow.select_result(state, result, env)
        output = dataflow.state_output(state, raw, data, selected, env, has_result=True)
        return output, state.next, assigned


# -- states that never wait ----------------------------------------------------------------------

def _pass(run: Runner, state, raw, frame, env):
    data = dataflow.effective_input(state, raw, env)
    if state.jsonata:
        assigned = dataflow.evaluate_assign(state.assign, True, raw, raw, env)
        return dataflow.state_output(state, raw, raw, None, env, has_result=False), state.next, assigned
    if state.has_result:
        result = state.result
    else:
        result = dataflow.arguments(state, state.parameters, data, raw, env)
    assigned = dataflow.evaluate_assign(state.assign, False, result, raw, env)
    output = dataflow.apply_output_path(state, dataflow.apply_result_path(state.result_path, raw, result), env)
    return output, state.next, assigned


def _choice(run: Runner, state, raw, frame, env):
    data = dataflow.effective_input(state, raw, env)
    for index, rule in enumerate(state.choices):
        if state.jsonata:
            matched = rule.condition.render(env, dataflow.states_binding(env, raw))
            if not isinstance(matched, bool):
                raise StatesError("States.QueryEvaluationError",
                                  f"The Condition field evaluated to a non-boolean value: {dumps(matched)}",
                                  prefix_state=True)
        else:
            matched = rule.condition.matches(data, env)
        if matched:
            run.trace.append(("rule", state.name, index))
            assigned = dataflow.evaluate_assign(rule.assign, state.jsonata, data, raw, env)
            if state.jsonata and rule.output is not None:
                output = rule.output.render(env, dataflow.states_binding(env, raw))
            else:
                output = dataflow.state_output(state, raw, data, None, env, has_result=False)
            return output, rule.next, assigned
    if state.default is None:
        raise StatesError("States.NoChoiceMatched", "No Matches!", prefix_state=False)
    run.trace.append(("rule", state.name, "Default"))
    assigned = dataflow.evaluate_assign(state.assign, state.jsonata, data, raw, env)
    return dataflow.state_output(state, raw, data, None, env, has_result=False), state.default, assigned


def _succeed(run: Runner, state, raw, frame, env):
    data = dataflow.effective_input(state, raw, env)
    return dataflow.state_output(state, raw, data, None, env, has_result=False), None, None


def _fail(run: Runner, state: FailState, raw, frame, env):
    error, cause = state.error, state.cause
    if state.jsonata:
        binding = None
        if hasattr(error, "render"):
            binding = dataflow.states_binding(env, raw)
            error = error.render(env, binding)
        if hasattr(cause, "render"):
            cause = cause.render(env, binding or dataflow.states_binding(env, raw))
    if state.error_path is not None:
        error = state.error_path.render(raw, env)
    if state.cause_path is not None:
        cause = state.cause_path.render(raw, env)
    raise StatesError(error, cause)


# -- states that wait --------------------------------------------------------------------------

def _wait(run: Runner, state, raw, frame, env, entered):
    data = dataflow.effective_input(state, raw, env)
    ms = wait_duration_ms(state, data, raw, env, run.clock.now)
    if ms > 0:
        yield Sleep(ms)
    assigned = dataflow.evaluate_assign(state.assign, state.jsonata, data, raw, env)
    return dataflow.state_output(state, raw, data, None, env, has_result=False), state.next, assigned


def _task(run: Runner, state, raw, frame, env, entered):
    data = dataflow.effective_input(state, raw, env)
    resource = describe_resource(state.resource)
    counters = [0] * len(state.retriers)
    env.retry_count = 0
    while True:
        try:
            if resource.pattern == ".waitForTaskToken":
                env.task_token = run.new_task_token()
                env.refresh()
            parameters = dataflow.arguments(state, state.parameters, data, raw, env)
            timeout = resolve_seconds(state, state.timeout_seconds, "TimeoutSeconds", data, raw, env)
            heartbeat = resolve_seconds(state, state.heartbeat_seconds, "HeartbeatSeconds", data, raw, env)
            call = TaskCall(state=state.name, resource=resource, parameters=parameters,
                            time_ms=run.clock.now, attempt=env.retry_count, timeout_s=timeout,
                            heartbeat_s=heartbeat, task_token=env.task_token,
                            execution_arn=run.execution_arn)
            result = yield from _call(run, call, frame)
            return run.finish(state, raw, data, result, env)
        except StatesError as err:
            delay = run.retry_delay(state, err, counters, env, entered)
            if delay is None:
                return run.catch(state, raw, err, env)
            if delay:
                yield Sleep(delay)
            env.retry_count += 1
            env.refresh()


def _call(run: Runner, call: TaskCall, frame):
    """Schedule, start and complete one attempt of a Task; returns the result or raises."""
    resource, parameters = call.resource, call.parameters
    timeout, heartbeat = call.timeout_s, call.heartbeat_s
    kind = resource.kind
    if kind == "lambda-function":
        prefix, scheduled = "LambdaFunction", {"resource": resource.arn, "input": parameters}
    elif kind == "activity":
        prefix, scheduled = "Activity", {"resource": resource.arn, "input": parameters}
    else:
        prefix = "Task"
        scheduled = {"resourceType": resource.resource_type, "resource": resource.api,
                     "region": run.region, "parameters": parameters}
    if timeout is not None:
        scheduled["timeoutInSeconds"] = timeout
    if heartbeat is not None:
        scheduled["heartbeatInSeconds"] = heartbeat
    tail = {} if prefix != "Task" else {"resourceType": resource.resource_type, "resource": resource.api}
    record = {"state": call.state, "resource": resource.arn, "parameters": parameters,
              "time": run.clock.now}
    if call.task_token is not None:
        record["task_token"] = call.task_token
    run.calls.append(record)
    try:
        run.services.check(call)
    except StatesError as err:
        record.update(error=err.error, cause=err.cause)
        raise
    run.event(prefix + "Scheduled", frame, scheduled)
    # an activity is Started when a worker takes it, which may be much later
    activity = kind == "activity"
    if not activity:
        run.event(prefix + "Started", frame, dict(tail) if tail else None)
    try:
        answer = run.services.answer(call)
        if activity and answer.outside is None:
            run.event(prefix + "Started", frame, None)
        if answer.has_submitted:
            run.event(prefix + "Submitted", frame, {**tail, "output": answer.submitted})
        if call.pattern == ".waitForTaskToken" and answer.awaits_callback and not answer.failed:
            # a real service received the token; the test's declared callback ends the wait
            callback = run.services.callback(call)
            if callback is None and timeout is None and heartbeat is None:
                raise MockMissing(f"the Task state '{call.state}' waits for a callback with its task "
                                  "token and no callback is declared for it: pass callbacks="
                                  f"{{'{call.state}': aslsim.TaskSuccess(...)}}")
            answer = callback or Answer(duration_ms=_FOREVER_MS)
    except MockMissing as missing:
        record["error"] = "aslsim.MockMissing"
        err = runtime_error(str(missing))
        err.test_setup = True   # the test's own gap: a Distributed Map reports it, not its threshold
        raise err from None
    if answer.outside is not None:
        from .outside import await_outside
        answer = yield from await_outside(run, call, frame, prefix, tail, answer.outside, record)
    duration = answer.duration_ms
    limit = None if timeout is None else timeout * 1000
    if heartbeat is not None and call.pattern == ".waitForTaskToken":
        beat = answer.heartbeat_ms
        if beat is None or beat > heartbeat * 1000:
            # no heartbeat arrives in time: the wait ends at HeartbeatSeconds (recorded: States.Timeout)
            if limit is None or heartbeat * 1000 < limit:
                limit = heartbeat * 1000
    if limit is not None and duration > limit:
        if limit:
            yield Sleep(limit)
        record.update(error="States.Timeout", cause="", time_done=run.clock.now)
        run.event(prefix + "TimedOut", frame, {**tail, "error": "States.Timeout"})
        raise StatesError("States.Timeout", "")  # caught as {"Error": "States.Timeout", "Cause": ""} (recorded)
    if duration:
        yield Sleep(duration)
    record["time_done"] = run.clock.now
    if answer.failed:
        error, cause = answer.error, answer.cause
        if call.pattern == ".waitForTaskToken":
            # SendTaskFailure without error or cause fields: both are null in the Catch's output
            # (recorded: test_sqs_failure_in_wait_for_task_tok_no_error_field)
            error, cause = error or None, cause or None
        record.update(error=error, cause=cause)
        outcome = "TimedOut" if error == "States.Timeout" else "Failed"
        run.event(prefix + outcome, frame, {**tail, "error": error, "cause": cause})
        raise StatesError(error, cause)
    result = answer.result
    size = len(dumps(result).encode("utf-8"))
    if size > PAYLOAD_LIMIT:
        name = resource.resource_type if prefix == "Task" else resource.arn
        cause = (f"The state/task '{name}' returned a result with a size exceeding the maximum "
                 "number of bytes service limit.")
        record.update(error="States.DataLimitExceeded", cause=cause)
        run.event(prefix + "Failed", frame, {**tail, "error": "States.DataLimitExceeded", "cause": cause})
        raise StatesError("States.DataLimitExceeded", cause)
    record["result"] = result
    run.event(prefix + "Succeeded", frame, {**tail, "output": result})
    return result


def _parallel(run: Runner, state, raw, frame, env, entered):
    data = dataflow.effective_input(state, raw, env)
    counters = [0] * len(state.retriers)
    while True:
        started = False
        try:
            branch_input = dataflow.arguments(state, state.parameters, data, raw, env)
            run.event("ParallelStateStarted", frame)
            started = True
            frames = [Frame(Scope(frame.scope), frame.prev, in_parallel=True) for _ in state.branches]
            frame.path.append([f.path for f in frames])
            children = [run.run_graph(graph, branch_input, f) for graph, f in zip(state.branches, frames)]
            try:
                results = yield Join(children)
            except ChildFailed as failed:
                frame.prev = max(f.prev for f in frames)
                raise failed.error
            # AWS records no ParallelStateSucceeded event, though the API names one (recorded)
            frame.prev = max(f.prev for f in frames)
            return run.finish(state, raw, data, results, env)
        except StatesError as err:
            delay = run.retry_delay(state, err, counters, env, entered)
            if delay is None:
                # recorded: ParallelStateFailed comes only once no retrier will run the state again
                if started:
                    run.event("ParallelStateFailed", frame)
                return run.catch(state, raw, err, env)
            if delay:
                yield Sleep(delay)


def _map(run: Runner, state, raw, frame, env, entered):
    from .mapping import run_map  # Map has enough of its own to live in its own module
    return (yield from run_map(run, state, raw, frame, env, entered))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_HANDLERS = {"Pass": _pass, "Choice": _choice, "Succeed": _succeed, "Fail": _fail,
             "Wait": _wait, "Task": _task, "Parallel": _parallel, "Map": _map}
_WAITING = {_wait, _task, _parallel, _map}
