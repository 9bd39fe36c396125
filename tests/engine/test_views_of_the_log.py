"""``Execution.path``, ``calls`` and ``trace`` are read from the execution's one event log, with
the facts AWS's history lacks kept as engine-only marks: which attempt of a retried Parallel a
branch ran in, the order a Distributed Map's children ended in, a state the full history had no
room to enter, a call's full ARN and task token, a call no mock answered. The history, the typed
events and their ids never show those marks."""
import aslsim
from aslsim.engine.paths import path_of
from aslsim.engine.recorder import calls_of, trace_of

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def test_a_retried_parallel_shows_each_attempts_branches_after_its_name():
    machine = aslsim.load({"StartAt": "Fan", "States": {
        "Fan": {"Type": "Parallel", "Next": "Done",
                "Retry": [{"ErrorEquals": ["Down"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                "Branches": [
                    {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": LAMBDA + "call",
                                                            "End": True}}},
                    {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "Next": "Again"},
                                                   "Again": {"Type": "Pass", "End": True}}}]},
        "Done": {"Type": "Succeed"}}})
    ex = machine.run({}, mocks={"call": [{"throw": {"Error": "Down"}}, {"return": 1}]})
    assert ex.status == "SUCCEEDED"
    # the first attempt's Call failed at once: its sibling was aborted before entering a state
    assert ex.path == ["Fan", [["Call"], []], [["Call"], ["Note", "Again"]], "Done"]
    assert ex.trace.count(("retry", "Fan", 0)) == 1


def test_a_distributed_maps_children_are_on_the_path_in_the_order_they_ended():
    pick = {"Type": "Choice", "Default": "Three", "Choices": [
        {"Variable": "$", "NumericEquals": 1, "Next": "One"},
        {"Variable": "$", "NumericEquals": 2, "Next": "Two"}]}
    states = {"Pick": pick, "Report": {"Type": "Task", "Resource": LAMBDA + "report", "End": True,
                                       "Parameters": {"n.$": "$"}}}
    for name in ("One", "Two", "Three"):
        states[name] = {"Type": "Task", "Resource": LAMBDA + name.lower(), "Next": "Report"}
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Pick", "States": states}}}})
    mocks = {name: {"return": n, "duration": n} for name, n in (("one", 1), ("two", 2), ("three", 3))}
    mocks["report"] = {"return": "told"}
    ex = machine.run([3, 1, 2], mocks=mocks)
    assert ex.status == "SUCCEEDED", ex.cause
    # child 1 ends first (its call takes 1 s), then child 2, then child 0
    assert ex.path == ["Map", [["Pick", "One", "Report"], ["Pick", "Two", "Report"],
                               ["Pick", "Three", "Report"]]]
    assert [child.path for child in ex.map_runs[0].children] == [
        ["Pick", "Three", "Report"], ["Pick", "One", "Report"], ["Pick", "Two", "Report"]]
    # the children's calls, in the order they were made, all read from the parent's log
    assert [(call.state, call.parameters) for call in ex.calls] == [
        ("Three", 3), ("One", 1), ("Two", 2),
        ("Report", {"n": 1}), ("Report", {"n": 2}), ("Report", {"n": 3})]
    # a child's own history shows no engine-only entry; its ids are its positions
    child = ex.map_runs[0].children[0]
    assert [event.id for event in child.events] == list(range(1, len(child.history) + 1))


def test_a_state_the_full_history_refuses_is_on_the_path_not_in_the_history():
    machine = aslsim.load({"StartAt": "Tick", "States": {
        "Tick": {"Type": "Pass", "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 1, "Next": "Again"},
        "Again": {"Type": "Choice", "Default": "Tick", "Choices": [
            {"Variable": "$.stop", "IsPresent": True, "Next": "Stop"}]},
        "Stop": {"Type": "Succeed"}}})
    ex = machine.run({})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert len(ex.history) == 25_000
    entered = [e["stateEnteredEventDetails"]["name"] for e in ex.history
               if e["type"].endswith("StateEntered")]
    assert len(ex.path) == len(entered) + 1
    assert ex.path[:-1] == entered
    # 24,999 events: ExecutionStarted, then Tick, Hold and Again entered and exited in turn; the
    # 25,000th would have been the next one's Entered
    assert len(entered) == 12_499
    assert ex.path[-1] == ("Tick", "Hold", "Again")[12_499 % 3] == "Hold"


def test_calls_keep_the_full_arn_the_task_token_and_a_call_no_mock_answered():
    machine = aslsim.load({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}},
                "Next": "Unmocked"},
        "Unmocked": {"Type": "Task", "Resource": LAMBDA + "nobody", "End": True}}})
    ex = machine.run({}, mocks={"ask": {"return": {"ok": 1}}})
    assert ex.status == "FAILED"
    ask, unmocked = ex.calls
    assert ask.resource == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert ask.task_token and ask.parameters["Payload"]["token"] == ask.task_token
    assert ask.result == {"ok": 1}
    assert unmocked.resource == LAMBDA + "nobody"
    assert unmocked.error == "aslsim.MockMissing"
    assert "time_done" not in unmocked


def test_the_views_are_read_from_the_log_alone_and_the_history_shows_no_mark():
    machine = aslsim.load({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemsPath": "$.items", "Next": "Pick",
                 "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}},
        "Pick": {"Type": "Choice", "Default": "Call", "Choices": [
            {"Variable": "$[0]", "NumericEquals": 0, "Next": "Call"}]},
        "Call": {"Type": "Task", "Resource": LAMBDA + "call", "End": True}}})
    ex = machine.run({"items": [1, 2]}, mocks={"call": {"return": 3}})
    assert ex.path == ["Each", [["Item"], ["Item"]], "Pick", "Call"]
    log = ex._log
    assert path_of(log) == ex.path
    assert calls_of(log) == ex.calls and [call.state for call in ex.calls] == ["Call"]
    assert trace_of(log) == ex.trace
    assert ("rule", "Pick", "Default") in ex.trace and ("transition", "Pick", "Call") in ex.trace
    assert log.marks          # the engine-only entries are there ...
    events = ex.events        # ... and nowhere in the history: ids are positions, types AWS's
    assert [event.id for event in events] == list(range(1, len(ex.history) + 1))
    assert [event.type for event in events] == [e["type"] for e in ex.history]
    assert len(log.records) == len(ex.history)


def test_a_redriven_executions_path_begins_at_the_state_it_goes_on_from():
    machine = aslsim.load({"StartAt": "First", "States": {
        "First": {"Type": "Pass", "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA + "call", "Next": "Last"},
        "Last": {"Type": "Pass", "End": True}}})
    first = machine.run({}, mocks={"call": {"throw": {"Error": "Down"}}})
    assert first.path == ["First", "Call"]
    again = machine.redrive(first, mocks={"call": {"return": 1}}).execution
    assert again.status == "SUCCEEDED"
    assert again.path == ["Call", "Last"]
    assert [call.state for call in again.calls] == ["Call"]
    assert ("transition", "First", "Call") not in again.trace
