"""RedriveExecution through the Python API: a redriven Parallel or inline Map runs again only its
branches and iterations that failed, were aborted or never ran, each from the state it stopped
in; the others keep their outputs and enter no state again (AWS, API_RedriveExecution: "For
workflows that include an Inline Map or Parallel state, RedriveExecution API action reschedules
and redrives only the iterations and branches that failed or aborted")."""
import pytest

import aslsim
from aslsim.engine import redrive

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def task(name, **more):
    return {"Type": "Task", "Resource": LAMBDA + name, **more}


def after_redrive(execution):
    """(event type, state name) of the events after ExecutionRedriven."""
    events = execution.history
    start = [e["type"] for e in events].index("ExecutionRedriven")
    return [(e["type"], (e.get("stateEnteredEventDetails") or {}).get("name")) for e in events[start + 1:]]


def entered(execution):
    return [name for kind, name in after_redrive(execution) if name]


PARALLEL = aslsim.load({"StartAt": "First", "States": {
    "First": {"Type": "Pass", "Result": {"order": 7}, "Next": "Fan"},
    "Fan": {"Type": "Parallel", "Next": "Last", "Branches": [
        {"StartAt": "Charge", "States": {"Charge": task("charge", End=True)}},
        {"StartAt": "Notify", "States": {"Notify": task("notify", End=True)}},
        {"StartAt": "Reserve", "States": {
            "Reserve": {"Type": "Pass", "Assign": {"reserved": "{% $states.input.order %}"},
                        "QueryLanguage": "JSONata", "Next": "Ship"},
            "Ship": {"Type": "Task", "Resource": LAMBDA + "ship", "QueryLanguage": "JSONata",
                     "Arguments": {"order": "{% $reserved %}"}, "End": True}}}]},
    "Last": {"Type": "Pass", "End": True}}})


def test_a_redriven_parallel_runs_only_its_failed_branch_from_the_state_that_failed():
    first = PARALLEL.run({}, mocks={"charge": {"return": "charged"}, "ship": {"throw": {"Error": "Down"}},
                                    "notify": {"return": "told"}})
    assert (first.status, first.error) == ("FAILED", "Down")
    again = PARALLEL.redrive(first, mocks={"ship": {"return": "shipped"}}).execution
    assert again.status == "SUCCEEDED"
    assert again.output == ["charged", "told", "shipped"]           # the others' outputs kept
    assert [(c.state, c.parameters) for c in again.calls] == [("Ship", {"order": 7})]
    # Fan is entered again, then only Ship (Reserve's variable is the branch's again), then Last
    assert entered(again) == ["Fan", "Ship", "Last"]
    assert after_redrive(again)[:3] == [("ParallelStateEntered", "Fan"), ("ParallelStateStarted", None),
                                        ("TaskStateEntered", "Ship")]


def test_a_branch_aborted_by_a_sibling_goes_on_from_where_it_was_aborted():
    machine = aslsim.load({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Fails", "States": {"Fails": task("fails", End=True)}},
        {"StartAt": "Slow", "States": {
            "Slow": task("slow", Next="Wait"),
            "Wait": {"Type": "Wait", "Seconds": 60, "Next": "After"},
            "After": task("after", End=True)}}]}}})
    first = machine.run({}, mocks={"fails": {"throw": {"Error": "Boom"}, "duration": 5}, "slow": {"return": 1},
                                   "after": {"return": 2}})
    assert first.status == "FAILED"
    assert [c.state for c in first.calls] == ["Fails", "Slow"]      # aborted in its Wait
    again = machine.redrive(first, mocks={"fails": {"return": "ok"}, "after": {"return": 2}}).execution
    assert again.output == ["ok", 2]
    assert sorted(entered(again)) == ["After", "Fails", "Fan", "Wait"]     # Slow is not run again
    assert [c.state for c in again.calls] == ["Fails", "After"]


MAP = aslsim.load({"StartAt": "Each", "States": {"Each": {
    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work",
                      "States": {"Work": task("work", End=True)}}}}})


def work(item):
    if item == 3:
        raise aslsim.ServiceError("Bad", f"item {item}")
    return item * 10


def test_a_redriven_inline_map_runs_only_the_iterations_that_did_not_succeed():
    first = MAP.run({"items": [1, 2, 3, 4, 5]}, mocks={"work": {"call": work}})
    assert (first.status, first.error) == ("FAILED", "Bad")
    ran_first = [c.parameters for c in first.calls]
    assert 3 in ran_first and 5 not in ran_first            # MaxConcurrency 2: item 5 never started
    again = MAP.redrive(first, mocks={"work": {"call": lambda item: item * 10}}).execution
    assert again.status == "SUCCEEDED"
    assert again.output == [10, 20, 30, 40, 50]
    succeeded = [i for i in ran_first if i != 3 and i * 10 in [10, 20, 40]]
    rerun = sorted(c.parameters for c in again.calls)
    assert rerun == sorted(set([1, 2, 3, 4, 5]) - set(succeeded))
    assert 3 in rerun and 5 in rerun and 1 not in rerun
    kinds = [kind for kind, _ in after_redrive(again)]
    assert kinds.count("MapIterationStarted") == len(rerun) == kinds.count("MapIterationSucceeded")


def test_a_map_inside_a_parallel_branch_reruns_only_its_failed_iteration():
    machine = aslsim.load({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Solo", "States": {"Solo": task("solo", End=True)}},
        {"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "ItemsPath": "$.items", "End": True,
            "ItemProcessor": {"StartAt": "Work", "States": {
                "Work": task("work", End=True)}}}}}]}}})
    first = machine.run({"items": [1, 2, 3]}, mocks={"solo": {"return": "s"}, "work": {"call": work}})
    assert first.status == "FAILED"
    again = machine.redrive(first, mocks={"work": {"return": 33}}).execution
    assert again.output == ["s", [10, 20, 33]]
    assert [c.parameters for c in again.calls] == [3]
    assert entered(again) == ["Fan", "Each", "Work"]


def test_a_parallel_that_fails_again_keeps_what_succeeded_for_the_next_redrive():
    first = PARALLEL.run({}, mocks={"charge": {"throw": {"Error": "No"}, "duration": 5}, "ship": {"throw": {"Error": "No"}},
                                    "notify": {"return": "told"}})
    second = PARALLEL.redrive(first, mocks={"charge": {"return": "charged"},
                                            "ship": {"throw": {"Error": "Still"}}}).execution
    assert (second.status, second.error) == ("FAILED", "Still")
    assert sorted(c.state for c in second.calls) == ["Charge", "Ship"]     # Charge was aborted
    third = PARALLEL.redrive(second, redrive_count=2, mocks={"ship": {"return": "shipped"}}).execution
    assert third.output == ["charged", "told", "shipped"]
    assert [c.state for c in third.calls] == ["Ship"]


def test_a_retried_parallel_in_a_redrive_runs_all_its_branches_again():
    machine = aslsim.load({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Parallel", "End": True, "Retry": [{"ErrorEquals": ["Again"], "IntervalSeconds": 1}],
        "Branches": [{"StartAt": "A", "States": {"A": task("a", End=True)}},
                     {"StartAt": "B", "States": {"B": task("b", End=True)}}]}}})
    first = machine.run({}, mocks={"a": {"return": 1}, "b": {"throw": {"Error": "Boom"}}})
    again = machine.redrive(first, mocks={"a": {"return": 11}, "b": [{"throw": {"Error": "Again"}},
                                                                    {"return": 2}]}).execution
    assert again.output == [11, 2]            # the retry is a new attempt: A runs in it
    assert [c.state for c in again.calls] == ["B", "A", "B"]


DISTRIBUTED = aslsim.load({"StartAt": "Each", "States": {"Each": {
    "Type": "Map", "ItemsPath": "$.items", "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Work", "States": {"Work": task("work", End=True)}}}}})


def test_a_redriven_distributed_map_redrives_its_map_run_and_reruns_only_failed_children():
    first = DISTRIBUTED.run({"items": [1, 2, 3]}, mocks={"work": {"call": work}})
    assert (first.status, first.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    (map_run,) = first.map_runs
    arn, failed_name = map_run.arn, map_run.children[2].name
    again = DISTRIBUTED.redrive(first, mocks={"work": {"call": lambda item: item * 10}}).execution
    assert (again.status, again.output) == ("SUCCEEDED", [10, 20, 30])
    assert [c.parameters for c in again.calls] == [3]
    kinds = after_redrive(again)
    assert kinds[:3] == [("MapStateEntered", "Each"), ("MapStateStarted", None), ("MapRunRedriven", None)]
    redriven = next(e for e in again.history if e["type"] == "MapRunRedriven")
    assert redriven["mapRunRedrivenEventDetails"] == {"mapRunArn": arn, "redriveCount": 1}
    (same,) = again.map_runs
    assert (same.arn, same.status, same.redrive_count) == (arn, "SUCCEEDED", 1)
    assert [c.status for c in same.children] == ["SUCCEEDED"] * 3
    assert same.children[2].name == failed_name           # the same child execution, run again


def distributed(**processor):
    return {"Type": "Map", "ItemsPath": "$.items", "End": True,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Work", "States": {"Work": task("work", End=True)}, **processor}}


def fails_on_3(item):
    if item == 3:
        raise aslsim.ServiceError("Down", "3 failed")
    return item * 10


def test_a_distributed_map_in_a_parallel_branch_redrives_its_map_run():
    machine = aslsim.load({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Side", "States": {"Side": task("side", End=True)}},
        {"StartAt": "Each", "States": {"Each": distributed()}}]}}})
    first = machine.run({"items": [1, 2, 3]}, mocks={"work": {"call": fails_on_3}, "side": {"return": "s"}})
    (run,) = first.map_runs
    arn, names = run.arn, [c.name for c in run.children]
    again = machine.redrive(first, mocks={"work": {"call": lambda item: item * 10}, "side": {"return": "x"}}).execution
    assert (again.status, again.output) == ("SUCCEEDED", ["s", [10, 20, 30]])
    assert [(c.state, c.parameters) for c in again.calls] == [("Work", 3)]     # Side kept, one child rerun
    redriven = [e["mapRunRedrivenEventDetails"] for e in again.history if e["type"] == "MapRunRedriven"]
    assert redriven == [{"mapRunArn": arn, "redriveCount": 1}]
    assert not [e for e in again.history[len(first.history):] if e["type"] == "MapRunStarted"]
    (same,) = again.map_runs
    assert (same.arn, same.status, same.redrive_count) == (arn, "SUCCEEDED", 1)
    assert [c.name for c in same.children] == names


def test_a_distributed_map_in_an_inline_map_iteration_redrives_only_the_failed_map_run():
    inner = distributed()
    inner["ItemsPath"] = "$"
    machine = aslsim.load({"StartAt": "Outer", "States": {"Outer": {
        "Type": "Map", "End": True, "ItemsPath": "$.groups",
        "ItemProcessor": {"StartAt": "Each", "States": {"Each": inner}}}}})
    first = machine.run({"groups": [[1, 2], [3, 4]]}, mocks={"work": {"call": fails_on_3}})
    runs = {r.children[0].input: r for r in first.map_runs}
    ok, failed = runs[1], runs[3]
    assert (ok.status, failed.status) == ("SUCCEEDED", "FAILED")
    again = machine.redrive(first, mocks={"work": {"call": lambda item: item * 10}}).execution
    assert (again.status, again.output) == ("SUCCEEDED", [[10, 20], [30, 40]])
    # the Map Run of [1, 2] is not run again; 4 had not started when 3 failed the other
    assert [c.parameters for c in again.calls] == [3, 4]
    redriven = [e["mapRunRedrivenEventDetails"] for e in again.history if e["type"] == "MapRunRedriven"]
    assert redriven == [{"mapRunArn": failed.arn, "redriveCount": 1}]
    assert sorted(r.arn for r in again.map_runs) == sorted([ok.arn, failed.arn])


def test_a_redriven_standard_child_goes_on_with_its_own_history():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": distributed(
        StartAt="Before", States={"Before": {"Type": "Pass", "Next": "Work"}, "Work": task("work", End=True)})}})
    first = machine.run({"items": [1, 3]}, mocks={"work": {"call": fails_on_3}})
    before = first.map_runs[0].children[1]
    assert (before.status, before.redrive_count, before.redrive_ms) == ("FAILED", 0, None)
    kept_events = len(first.map_runs[0].children[0].history)
    again = machine.redrive(first, mocks={"work": {"call": lambda item: item * 10}}).execution
    child = again.map_runs[0].children[1]
    assert (child.name, child.execution_arn, child.start_ms) == (before.name, before.execution_arn, before.start_ms)
    assert (child.status, child.output, child.redrive_count) == ("SUCCEEDED", 30, 1)
    assert child.redrive_ms == first.stop_ms           # redriven when its parent was
    kinds = [e["type"] for e in child.history]
    # its first attempt's events, then ExecutionRedriven and only the state that failed
    assert kinds[:len(before.history)] == [e["type"] for e in before.history]
    assert kinds[len(before.history):] == ["ExecutionRedriven", "TaskStateEntered", "LambdaFunctionScheduled",
                                           "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                                           "TaskStateExited", "ExecutionSucceeded"]
    assert child.history[len(before.history)]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    kept = again.map_runs[0].children[0]
    assert (kept.redrive_count, len(kept.history)) == (0, kept_events)


def test_a_redriven_express_child_starts_again_from_its_first_state():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": distributed(
        ProcessorConfig={"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        StartAt="Before", States={"Before": {"Type": "Pass", "Next": "Work"}, "Work": task("work", End=True)})}})
    first = machine.run({"items": [1, 3]}, mocks={"work": {"call": fails_on_3}})
    before = first.map_runs[0].children[1]
    again = machine.redrive(first, mocks={"work": {"call": lambda item: item * 10}}).execution
    child = again.map_runs[0].children[1]
    assert (child.name, child.status, child.redrive_count) == (before.name, "SUCCEEDED", 0)
    kinds = [e["type"] for e in child.history]
    assert kinds[0] == "ExecutionStarted" and "ExecutionRedriven" not in kinds
    assert "PassStateEntered" in kinds          # from the first state, as StartExecution runs it


# -- what may be redriven (the guide's "Redrive eligibility for unsuccessful executions") ------------

FAILING = aslsim.load({"StartAt": "Work", "States": {"Work": task("work", End=True)}})
DOWN = {"work": {"throw": {"Error": "Down"}}}


def refused(execution, **options) -> str:
    with pytest.raises(aslsim.InputError) as raised:
        FAILING.redrive(execution, mocks=DOWN, **options)
    return str(raised.value)


def test_a_succeeded_execution_is_not_redriven():
    done = FAILING.run({}, mocks={"work": {"return": 1}})
    assert refused(done) == "Execution is SUCCEEDED and cannot be redriven"


def test_an_execution_is_redriven_within_14_days_of_its_stop_only():
    failed = FAILING.run({}, mocks=DOWN, start_time="2025-03-01T00:00:00Z")
    assert FAILING.redrive(failed, mocks=DOWN, at="2025-03-15T00:00:00Z").execution.error == "Down"
    assert refused(failed, at="2025-03-15T00:00:01Z") == "Execution redrivable period exceeded"


def test_an_execution_started_before_redrive_existed_is_not_redriven():
    failed = FAILING.run({}, mocks=DOWN, start_time="2023-11-14T23:59:59Z")
    assert refused(failed) == "Execution was started before the launch of RedriveExecution"


def test_an_express_execution_is_not_redriven():
    failed = FAILING.run({}, mocks=DOWN, execution_type="EXPRESS")
    assert "EXPRESS execution cannot be redriven" in refused(failed)


def test_the_refusals_of_a_full_history_and_a_year_open():
    start = 1_735_689_600_000           # 2025-01-01
    assert redrive.refusal("FAILED", start, start, 24_998, start) is None
    assert redrive.refusal("FAILED", start, start, 24_999, start) == "Execution history event limit exceeded"
    year = 365 * 24 * 3600 * 1000
    assert redrive.refusal("TIMED_OUT", start, start + year, 10, start + year) == \
        "Execution has exceeded the max execution time"
    assert redrive.refusal("RUNNING", start, None, 10, start) == "Execution is RUNNING and cannot be redriven"


def test_a_parallel_that_failed_on_its_data_limit_reruns_every_branch():
    machine = aslsim.load({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": task("a", End=True)}},
        {"StartAt": "B", "States": {"B": task("b", End=True)}}]}}})
    big = "x" * 150_000
    first = machine.run({}, mocks={"a": {"return": big}, "b": {"return": big}})
    assert first.error == "States.DataLimitExceeded"
    again = machine.redrive(first, mocks={"a": {"return": 1}, "b": {"return": 2}}).execution
    assert (again.status, again.output) == ("SUCCEEDED", [1, 2])
    assert sorted(c.state for c in again.calls) == ["A", "B"]       # documented: rerun whole


def test_a_map_run_is_redriven_at_most_1000_times():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": distributed(
        ProcessorConfig={"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"})}})
    execution = machine.run({"items": [1]}, mocks=DOWN)
    for count in range(1, 1001):
        execution = machine.redrive(execution, redrive_count=count, mocks=DOWN).execution
    (map_run,) = execution.map_runs
    assert (execution.error, map_run.redrive_count) == ("States.ExceedToleratedFailureThreshold", 1000)
    last = machine.redrive(execution, redrive_count=1001, mocks={"work": {"return": 1}}).execution
    assert (last.status, last.error) == ("FAILED", "States.Runtime")        # documented
    assert "redriven 1000 times" in last.cause and not last.calls
    assert [e["type"] for e in last.history[-3:]] == ["MapStateEntered", "MapStateStarted", "ExecutionFailed"]


# -- the Map Run redrive rules (the guide's "Redriving Map Runs") ------------------------------------

def test_a_map_run_whose_item_reader_failed_reads_its_items_again_on_redrive(tmp_path):
    each = distributed()
    del each["ItemsPath"]
    each["ItemReader"] = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                          "Parameters": {"Bucket": "data", "Key": "items.json"}}
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": each}})
    (tmp_path / "data").mkdir()
    first = machine.run({}, s3=tmp_path, mocks={"work": {"call": lambda item: item * 10}})
    assert first.error == "States.ItemReaderFailed"
    arn = first.map_runs[0].arn
    (tmp_path / "data" / "items.json").write_text("[1, 2]")     # documented: the input in the bucket
    again = machine.redrive(first, s3=tmp_path, mocks={"work": {"call": lambda item: item * 10}}).execution
    assert (again.status, again.output) == ("SUCCEEDED", [10, 20])
    assert [e["mapRunRedrivenEventDetails"]["mapRunArn"] for e in again.history if e["type"] == "MapRunRedriven"] == [arn]


def test_a_map_run_that_failed_with_states_runtime_is_not_redriven_a_new_one_starts():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        **distributed(), "ItemSelector": {"value.$": "$$.Map.Item.Value.missing"}}}})
    first = machine.run({"items": [{"ok": 1}]}, mocks={"work": {"return": 1}})
    assert first.error == "States.Runtime"
    (failed,) = first.map_runs
    again = machine.redrive(first, mocks={"work": {"return": 1}}).execution
    after = [e["type"] for e in again.history[len(first.history):]]
    assert "MapRunStarted" in after and "MapRunRedriven" not in after       # documented
    assert [r.arn for r in again.map_runs][0] == failed.arn and len({r.arn for r in again.map_runs}) == 2


def test_a_redriven_map_run_judges_its_tolerated_failures_on_the_new_attempt():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {**distributed(), "ToleratedFailureCount": 1}}})
    first = machine.run({"items": [1, 2, 3]}, mocks={"work": {"call": lambda item: fails_on_3(3 if item > 1 else item)}})
    assert first.error == "States.ExceedToleratedFailureThreshold"     # 2 and 3 failed: more than 1
    again = machine.redrive(first, mocks={"work": {"call": fails_on_3}}).execution
    # 3 fails again, 2 succeeds: one failure now, tolerated
    assert again.status == "SUCCEEDED"
    assert [c.parameters for c in again.calls] == [2, 3]
    (map_run,) = again.map_runs
    assert map_run.item_counts(redrives=True) == {
        "pending": 0, "running": 0, "succeeded": 2, "failed": 1, "timedOut": 0, "aborted": 0, "total": 3,
        "failuresNotRedrivable": 0, "pendingRedrive": 0}


def test_a_standard_child_closed_over_14_days_before_the_redrive_keeps_its_failure():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {**distributed(
        StartAt="Hold", States={"Hold": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Work"},
                                "Work": task("work", InputPath="$.n", End=True)}), "ToleratedFailureCount": 1}}})
    items = [{"wait": 0, "n": 3}, {"wait": 15 * 24 * 3600, "n": 3}, {"wait": 0, "n": 1}]
    first = machine.run({"items": items}, mocks={"work": {"call": fails_on_3}})
    assert first.error == "States.ExceedToleratedFailureThreshold"
    again = machine.redrive(first, mocks={"work": {"call": lambda n: n * 10}}).execution
    assert again.status == "SUCCEEDED"          # the one permanent failure is tolerated
    assert [c.parameters for c in again.calls] == [3]       # only the child that failed 15 days later
    (map_run,) = again.map_runs
    early = map_run.children[0]
    assert (early.status, early.redrive_count, early.refused) == ("FAILED", 0, "Execution redrivable period exceeded")
    counts = map_run.execution_counts(redrives=True)
    assert (counts["succeeded"], counts["failed"], counts["failuresNotRedrivable"]) == (2, 1, 1)
    assert again.output[0]["Status"] == "FAILED" and again.output[1:] == [30, 10]
