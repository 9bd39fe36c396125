"""The nightly parallel database copy (/work/shared/workflows/nightly-parallel-copy.md).

statemachines/nightly_parallel_copy.asl.json: a Parallel state runs five CodeBuild builds with
``codebuild:startBuild.sync`` (awaited until the build finishes), each overriding the ``TABLES``
environment variable with ``$.tables[i]``. A Lambda then posts a plain text message to Slack.
A failed build (the copy script exits 1) fails its branch; the Parallel fails with the branch's
own error, ``States.TaskFailed`` with the build description as a JSON cause (not
``States.BranchFailed``), and its Catch posts the failure to Slack before a Fail state ends the
execution FAILED with that same error and cause (so the nightly run shows as failed).
The cron rule starts it with the date as the execution name: ``$$.Execution.Name`` is in the
Slack message.

statemachines/batch_loop.asl.json: the second pattern of the write-up. A Lambda takes ``last_id``
and returns the new ``last_id`` and ``has_more``; a Choice loops back while there is more. The
only state kept is ``last_id``, in a workflow variable (``Assign``). The mock is a function that
pages through 1,000 records 100 at a time; a full page says there may be more, so the 11th call
finds nothing and ends the loop.

The ``.sync`` mocks answer with the final build description, ``{"Build": {...}}``, as
BatchGetBuilds shows it once the build has finished. Not covered: StartExecution's idempotency
for a repeated execution name is the service's, not the workflow's.
"""
import copy
import json
from pathlib import Path

import pytest

import aslsim

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "nightly_parallel_copy.asl.json"
BATCH_LOOP_DEFINITION = ROOT / "statemachines" / "batch_loop.asl.json"
FIXTURES = ROOT / "fixtures" / "nightly_parallel_copy"
BATCH_LOOP_FIXTURES = ROOT / "fixtures" / "batch_loop"

START = "2025-01-01T01:00:00Z"       # the cron rule fires at 01:00 UTC
START_MS = 1735693200000
RUN_NAME = "2025-01-01"
START_BUILD_SYNC = "arn:aws:states:::codebuild:startBuild.sync"
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
SLACK_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:post-to-slack:$LATEST"
COPY_BATCH_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:copy-batch:$LATEST"
PROJECT = "copy-operational-to-reporting"

BATCHES = [f"Copy tables batch {i}" for i in range(1, 6)]
BUILD_MINUTES = [6, 8, 5, 7, 4]       # the Parallel ends with the slowest build, batch 2
FAILED_BATCH = "Copy tables batch 3"
FAILED_AFTER_S = 150

SUCCESS_TEXT = ("Nightly copy 2025-01-01: the reporting database is up to date "
                "(5 builds succeeded).")
FAILURE_TEXT = ("Nightly copy 2025-01-01 FAILED with States.TaskFailed: the reporting database "
                "may be incomplete.")


def fixture(name, folder=FIXTURES):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def events_of(ex, event_type):
    return [e for e in ex.history if e["type"] == event_type]


def finished_build(build_number, duration_s):
    """A startBuild.sync mock: the build description CodeBuild gives once the build is over,
    with the TABLES override the Task sent and the times of the call on the virtual clock."""
    def start_build_sync(parameters, call):
        build = copy.deepcopy(fixture("build_succeeded.json"))
        described = build["Build"]
        build_id = f"{parameters['ProjectName']}:00000000-0000-4000-8000-{build_number:012d}"
        described.update(Id=build_id, BuildNumber=build_number,
                         Arn=f"arn:aws:codebuild:eu-west-1:123456789012:build/{build_id}",
                         StartTime=call.time_ms, EndTime=call.time_ms + duration_s * 1000)
        project_variables = [v for v in described["Environment"]["EnvironmentVariables"]
                             if v["Name"] != "TABLES"]
        described["Environment"]["EnvironmentVariables"] = (
            project_variables + parameters["EnvironmentVariablesOverride"])
        return build
    started = {"Build": {"Id": f"copy-operational-to-reporting:00000000-0000-4000-8000-{build_number:012d}",
                         "BuildStatus": "IN_PROGRESS"}}
    return {"call": start_build_sync, "duration": duration_s, "submitted": started}


def build_mocks():
    mocks = {state: finished_build(400 + i, minutes * 60)
             for i, (state, minutes) in enumerate(zip(BATCHES, BUILD_MINUTES), start=1)}
    mocks["post-to-slack"] = {"return": fixture("slack_response.json"), "duration": 0.8}
    return mocks


def failed_build_cause():
    return json.dumps(fixture("build_failed.json"), separators=(",", ":"))


def one_build_fails_mocks():
    mocks = build_mocks()
    mocks[FAILED_BATCH] = {"throw": {"Error": "States.TaskFailed", "Cause": failed_build_cause()},
                           "duration": FAILED_AFTER_S}
    return mocks


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(str(DEFINITION))


@pytest.fixture(scope="module")
def all_succeed(machine):
    return machine.run(fixture("input.json"), mocks=build_mocks(), start_time=START, name=RUN_NAME)


@pytest.fixture(scope="module")
def one_fails(machine):
    return machine.run(fixture("input.json"), mocks=one_build_fails_mocks(), start_time=START,
                       name=RUN_NAME)


# -- the definition --------------------------------------------------------------------------------

def test_definition_runs_five_codebuild_builds_each_with_its_tables(machine):
    parallel = machine.definition["States"]["Copy tables"]
    assert parallel["Type"] == "Parallel"
    assert len(parallel["Branches"]) == 5
    for i, (branch, name) in enumerate(zip(parallel["Branches"], BATCHES)):
        task = branch["States"][name]
        assert task["Resource"] == START_BUILD_SYNC
        assert task["Parameters"] == {
            "ProjectName": PROJECT,
            "EnvironmentVariablesOverride": [
                {"Name": "TABLES", "Value.$": f"$.tables[{i}]", "Type": "PLAINTEXT"}],
        }
    assert parallel["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                                  "Next": "Notify Slack of the failure"}]
    assert parallel["Next"] == "Notify Slack of the success"


# -- all five builds succeed -------------------------------------------------------------------------

def test_all_builds_succeed_and_slack_gets_one_message(all_succeed):
    ex = all_succeed
    assert ex.status == "SUCCEEDED"
    assert ex.error is None and ex.cause is None
    assert ex.flat_path() == ["Copy tables", *BATCHES, "Notify Slack of the success"]
    assert ex.path == ["Copy tables", [[name] for name in BATCHES], "Notify Slack of the success"]
    slack = [c for c in ex.calls if c["resource"] == LAMBDA_INVOKE]
    assert len(slack) == 1
    assert slack[0]["state"] == "Notify Slack of the success"
    assert slack[0]["parameters"] == {"FunctionName": SLACK_ARN, "Payload": {"text": SUCCESS_TEXT}}
    ex.assert_all_mocks_used()


def test_each_build_gets_its_list_of_tables(all_succeed):
    builds = [c for c in all_succeed.calls if c["resource"] == START_BUILD_SYNC]
    tables = fixture("input.json")["tables"]
    assert [c["state"] for c in builds] == BATCHES
    assert [c["parameters"] for c in builds] == [
        {"ProjectName": PROJECT,
         "EnvironmentVariablesOverride": [{"Name": "TABLES", "Value": value, "Type": "PLAINTEXT"}]}
        for value in tables]
    # the .sync result is the finished build, which carries the override
    for call, value in zip(builds, tables):
        assert call["result"]["Build"]["BuildStatus"] == "SUCCEEDED"
        assert {"Name": "TABLES", "Type": "PLAINTEXT", "Value": value} in (
            call["result"]["Build"]["Environment"]["EnvironmentVariables"])


def test_builds_start_together_and_slack_waits_for_the_slowest(all_succeed):
    builds = [c for c in all_succeed.calls if c["resource"] == START_BUILD_SYNC]
    assert [c["time"] for c in builds] == [START_MS] * 5
    assert [c["time_done"] for c in builds] == [START_MS + m * 60_000 for m in BUILD_MINUTES]
    slack = all_succeed.calls[-1]
    assert slack["time"] == START_MS + max(BUILD_MINUTES) * 60_000
    assert all_succeed.stop_date == "2025-01-01T01:08:00.800Z"


def test_output_keeps_the_tables_and_a_summary_of_each_build(all_succeed):
    assert all_succeed.output == {
        "tables": fixture("input.json")["tables"],
        "builds": [{"BuildId": f"{PROJECT}:00000000-0000-4000-8000-{400 + i:012d}",
                    "BuildStatus": "SUCCEEDED"} for i in range(1, 6)],
    }


def test_history_of_the_successful_night(all_succeed):
    events = all_succeed.history
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert [e["type"] for e in events[:3]] == ["ExecutionStarted", "ParallelStateEntered",
                                               "ParallelStateStarted"]
    succeeded = [e for e in events_of(all_succeed, "TaskSucceeded")
                 if e["taskSucceededEventDetails"]["resource"] == "startBuild.sync"]
    assert len(succeeded) == 5
    assert all(e["taskSucceededEventDetails"]["resourceType"] == "codebuild" for e in succeeded)
    # builds finish in order of duration: batch 5 (4 min), 3, 1, 4, 2 (8 min)
    assert [e["timestamp"] for e in succeeded] == [
        "2025-01-01T01:04:00.000Z", "2025-01-01T01:05:00.000Z", "2025-01-01T01:06:00.000Z",
        "2025-01-01T01:07:00.000Z", "2025-01-01T01:08:00.000Z"]
    parallel_exited = events_of(all_succeed, "ParallelStateExited")[0]
    assert parallel_exited["timestamp"] == "2025-01-01T01:08:00.000Z"
    assert [e["type"] for e in events[-7:]] == [
        "ParallelStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted",
        "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]


def test_each_sync_build_records_task_submitted(all_succeed):
    # AWS records the StartBuild response as TaskSubmitted (CHECKLIST §14); the mock declares it
    for name in BATCHES:
        entered = next(e for e in all_succeed.history if e["type"] == "TaskStateEntered"
                       and e["stateEnteredEventDetails"]["name"] == name)
        chain = [entered]
        for event in all_succeed.history:
            if event["previousEventId"] == chain[-1]["id"]:
                chain.append(event)
        assert [e["type"] for e in chain[:6]] == ["TaskStateEntered", "TaskScheduled", "TaskStarted",
                                                  "TaskSubmitted", "TaskSucceeded", "TaskStateExited"]
        submitted = json.loads(chain[3]["taskSubmittedEventDetails"]["output"])
        assert submitted["Build"]["BuildStatus"] == "IN_PROGRESS"


# -- one build fails ---------------------------------------------------------------------------

def test_failed_build_takes_the_catch_with_its_own_error(one_fails):
    ex = one_fails
    assert ex.status == "FAILED"
    assert ex.error == "States.TaskFailed"  # the branch's error, not States.BranchFailed
    assert ex.cause == failed_build_cause()
    assert json.loads(ex.cause)["Build"]["BuildStatus"] == "FAILED"
    assert ex.flat_path() == ["Copy tables", *BATCHES, "Notify Slack of the failure",
                              "Nightly copy failed"]


def test_slack_gets_the_failure_message_once(one_fails):
    slack = [c for c in one_fails.calls if c["resource"] == LAMBDA_INVOKE]
    assert [c["state"] for c in slack] == ["Notify Slack of the failure"]
    assert slack[0]["parameters"] == {"FunctionName": SLACK_ARN, "Payload": {"text": FAILURE_TEXT}}
    assert slack[0]["time"] == START_MS + FAILED_AFTER_S * 1000  # as soon as the build fails


def test_catch_passes_the_build_error_under_error(one_fails):
    entered = next(e for e in one_fails.history if e["type"] == "TaskStateEntered"
                   and e["stateEnteredEventDetails"]["name"] == "Notify Slack of the failure")
    state_input = json.loads(entered["stateEnteredEventDetails"]["input"])
    assert state_input == {"tables": fixture("input.json")["tables"],
                           "error": {"Error": "States.TaskFailed", "Cause": failed_build_cause()}}


def test_failed_build_is_recorded_and_the_other_builds_are_aborted(one_fails):
    failed = events_of(one_fails, "TaskFailed")
    assert len(failed) == 1
    assert failed[0]["taskFailedEventDetails"] == {
        "resourceType": "codebuild", "resource": "startBuild.sync",
        "error": "States.TaskFailed", "cause": failed_build_cause()}
    assert failed[0]["timestamp"] == "2025-01-01T01:02:30.000Z"
    builds = {c["state"]: c for c in one_fails.calls if c["resource"] == START_BUILD_SYNC}
    assert builds[FAILED_BATCH]["error"] == "States.TaskFailed"
    # the others were still running: none finished
    assert all("result" not in c and "time_done" not in c
               for name, c in builds.items() if name != FAILED_BATCH)
    assert len(events_of(one_fails, "TaskStateAborted")) == 5
    types = [e["type"] for e in one_fails.history]
    assert types.index("ParallelStateFailed") > types.index("TaskFailed")
    assert "ParallelStateExited" in types  # the Catch leaves the Parallel normally
    assert one_fails.history[-1]["executionFailedEventDetails"] == {
        "error": "States.TaskFailed", "cause": failed_build_cause()}


# -- the execution name ------------------------------------------------------------------------------

def test_execution_name_is_honoured_in_the_context_object(machine):
    ex = machine.run(fixture("input.json"), mocks=build_mocks(), start_time="2025-06-30T01:00:00Z",
                     name="2025-06-30")
    assert ex.name == "2025-06-30"
    assert ex.execution_arn.endswith(":execution:nightly_parallel_copy:2025-06-30")
    assert ex.calls[-1]["parameters"]["Payload"]["text"] == (
        "Nightly copy 2025-06-30: the reporting database is up to date (5 builds succeeded).")


def test_same_name_input_and_mocks_give_an_identical_history(machine, all_succeed):
    again = machine.run(fixture("input.json"), mocks=build_mocks(), start_time=START, name=RUN_NAME)
    assert again.history == all_succeed.history


# -- the batch loop ----------------------------------------------------------------------------------

RECORD_IDS = range(1, 1001)
BATCH_SIZE = 100


def copy_batch_mock(record_ids):
    """The copy-batch Lambda: copies the next 100 records after last_id, in id order."""
    def copy_batch(parameters):
        last_id = parameters["Payload"]["last_id"]
        batch = [i for i in record_ids if i > last_id][:BATCH_SIZE]
        response = fixture("copy_batch_response.json", BATCH_LOOP_FIXTURES)
        response["Payload"] = {"last_id": batch[-1] if batch else last_id,
                               "has_more": len(batch) == BATCH_SIZE}
        return response
    return {"call": copy_batch, "duration": 3}


@pytest.fixture(scope="module")
def batch_loop():
    return aslsim.load(str(BATCH_LOOP_DEFINITION))


@pytest.fixture(scope="module")
def thousand_records(batch_loop):
    return batch_loop.run(fixture("input.json", BATCH_LOOP_FIXTURES),
                          mocks={"copy-batch": copy_batch_mock(RECORD_IDS)})


def test_batch_loop_keeps_only_last_id_in_a_variable(batch_loop):
    states = batch_loop.definition["States"]
    task = states["Copy the next batch"]
    assert task["Parameters"] == {"FunctionName": COPY_BATCH_ARN,
                                  "Payload": {"last_id.$": "$last_id"}}
    assert task["Assign"] == {"last_id.$": "$.Payload.last_id"}
    assert states["More records?"]["Choices"] == [
        {"Variable": "$.has_more", "BooleanEquals": True, "Next": "Copy the next batch"}]


def test_thousand_records_in_batches_of_100_make_exactly_11_lambda_calls(thousand_records):
    ex = thousand_records
    assert ex.status == "SUCCEEDED"
    assert len(ex.calls) == 11
    assert all(c["resource"] == LAMBDA_INVOKE and c["state"] == "Copy the next batch"
               for c in ex.calls)
    assert [c["parameters"]["Payload"]["last_id"] for c in ex.calls] == [
        0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    assert ex.calls[-1]["result"]["Payload"] == {"last_id": 1000, "has_more": False}
    assert ex.output == {"last_id": 1000, "has_more": False}
    assert ex.variables == {"last_id": 1000}


def test_batch_loop_path_goes_round_the_choice(thousand_records):
    assert thousand_records.path == (["Start from the given id"]
                                     + ["Copy the next batch", "More records?"] * 11
                                     + ["All records copied"])


def test_batch_loop_calls_follow_each_other_on_virtual_time(thousand_records):
    assert [c["time"] for c in thousand_records.calls] == [
        1735689600000 + 3000 * k for k in range(11)]


def test_batch_loop_records_last_id_as_an_assigned_variable(thousand_records):
    exited = [e["stateExitedEventDetails"] for e in events_of(thousand_records, "TaskStateExited")]
    assert [d["assignedVariables"] for d in exited] == [
        {"last_id": str(n)} for n in (100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1000)]
    events = thousand_records.history
    assert len(events) == 3 + 7 * 11 + 3
    assert [e["id"] for e in events] == list(range(1, 84))


def test_a_short_last_batch_ends_the_loop_one_call_earlier(batch_loop):
    ex = batch_loop.run({"last_id": 0}, mocks={"copy-batch": copy_batch_mock(range(1, 951))})
    assert ex.status == "SUCCEEDED"
    assert len(ex.calls) == 10
    assert ex.variables == {"last_id": 950}


def test_batch_loop_resumes_from_the_given_last_id(batch_loop):
    ex = batch_loop.run({"last_id": 700}, mocks={"copy-batch": copy_batch_mock(RECORD_IDS)})
    assert [c["parameters"]["Payload"]["last_id"] for c in ex.calls] == [700, 800, 900, 1000]
