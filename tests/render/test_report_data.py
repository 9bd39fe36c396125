"""What the execution report shows, read from an Execution, without a browser.

Visits, virtual time, retries, Map iteration counts, the failed state, the edges taken and the
JSON embedded in the page; the page itself and its behaviour are in test_report_browser.py.
"""
import json
import shutil
from pathlib import Path

import pytest

import aslsim
from aslsim.render.report import (TIMELINE_BARS, badge, edges_taken, embed_json, format_ms, overlay,
                                  summarise)

ROOT = Path(__file__).resolve().parents[2]
WORDPRESS = ROOT / "fixtures" / "wordpress_raw_to_bronze"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def task(name, **fields):
    return {"Type": "Task", "Resource": LAMBDA + name, **fields}


@pytest.fixture(scope="module")
def bronze_gets_null():
    """The WordPress pipeline with the editor's OutputPath: bronze fails with States.Runtime."""
    machine = aslsim.load(str(ROOT / "statemachines" / "wordpress_raw_to_bronze_output_path.asl.json"))
    mocks = json.loads((WORDPRESS / "mocks.json").read_text())
    return machine.run({}, mocks=mocks, start_time="2025-01-01T07:00:00Z")


def test_failed_state_is_the_state_entered_when_the_execution_failed(bronze_gets_null):
    summary = summarise(bronze_gets_null)
    assert summary["failedState"] == "data_wordpressapi_bronze"
    bronze = summary["states"]["data_wordpressapi_bronze"]
    assert bronze["status"] == "failed"
    run = bronze["runs"][0]
    assert (run["status"], run["input"], run["exited"]) == ("failed", None, False)
    # the execution's States.Runtime is the failed state's error: no Task attempt failed
    assert run["error"] == "States.Runtime"
    assert run["cause"].startswith("An error occurred while executing the state "
                                   "'data_wordpressapi_bronze' (entered at the event id #7).")
    assert summary["states"]["data_wordpressapi_raw"]["status"] == "visited"


def test_header_data_is_the_executions_status_error_and_cause(bronze_gets_null):
    info = summarise(bronze_gets_null)["execution"]
    assert info["status"] == "FAILED"
    assert info["error"] == "States.Runtime"
    assert info["cause"] == bronze_gets_null.cause
    assert info["startDate"] == "2025-01-01T07:00:00.000Z"
    assert info["duration"] == 38500


def test_timeline_has_one_bar_per_visit_in_virtual_time(bronze_gets_null):
    assert summarise(bronze_gets_null)["timeline"] == [
        {"state": "data_wordpressapi_raw", "start": 0, "duration": 38500, "status": "succeeded", "depth": 0},
        {"state": "data_wordpressapi_bronze", "start": 38500, "duration": 0, "status": "failed", "depth": 0},
    ]


def test_a_states_service_calls_are_listed_with_parameters_and_result(bronze_gets_null):
    raw = summarise(bronze_gets_null)["states"]["data_wordpressapi_raw"]
    [call] = raw["calls"]
    assert call["resource"] == "arn:aws:states:::lambda:invoke"
    assert call["parameters"]["FunctionName"].endswith(":function:data_wordpressapi_raw:$LATEST")
    assert call["result"]["Payload"] is None
    assert (call["start"], call["duration"]) == (0, 38500)
    assert raw["runs"][0]["output"] is None        # OutputPath $.Payload of a null Payload
    assert raw["time"] == 38500


def test_retries_are_counted_per_state_and_cost_their_backoff_in_virtual_time():
    machine = aslsim.load({"StartAt": "Flaky", "States": {"Flaky": task(
        "flaky", Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 3, "BackoffRate": 2}], End=True)}})
    ex = machine.run({}, mocks={"Flaky": [{"throw": {"Error": "Boom"}}, {"throw": {"Error": "Boom"}},
                                          {"return": "ok"}]})
    flaky = summarise(ex)["states"]["Flaky"]
    assert (flaky["visits"], flaky["retries"], flaky["time"]) == (1, 2, 9000)   # 3 s + 6 s backoff
    assert flaky["runs"][0]["attempts"] == 3
    assert (flaky["runs"][0]["status"], flaky["runs"][0]["error"]) == ("succeeded", None)
    assert badge(flaky) == "↻2"
    assert ["Flaky", "Flaky"] in edges_taken(ex)     # the retry self-loop is drawn as taken


def test_a_state_visited_in_a_loop_has_one_run_per_visit():
    machine = aslsim.load({"StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Again?"},
        "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Wait"}],
                   "Default": "Done"},
        "Wait": {"Type": "Wait", "Seconds": 60, "Next": "Count"},
        "Done": {"Type": "Succeed"}}})
    summary = summarise(machine.run({"n": 0}))
    count = summary["states"]["Count"]
    assert count["visits"] == 3
    assert [r["input"] for r in count["runs"]] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert [r["index"] for r in count["runs"]] == [1, 2, 3]
    assert summary["states"]["Wait"]["time"] == 120_000
    assert badge(count) == "×3"
    assert [bar["start"] for bar in summary["timeline"] if bar["state"] == "Count"] == [0, 60_000, 120_000]
    assert summary["edges"] == [["", "Count"], ["Count", "Again?"], ["Again?", "Wait"],
                                ["Wait", "Count"], ["Again?", "Done"], ["Done", ""]]


def test_map_iterations_are_summarised_as_succeeded_and_failed():
    machine = aslsim.load({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1,
                 "ItemProcessor": {"StartAt": "Work", "States": {"Work": task("work", End=True)}},
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "End": True},
        "Handle": {"Type": "Pass", "End": True}}})
    ex = machine.run([1, 2, 3], mocks={"Work": [{"return": 1}, {"return": 2},
                                                {"throw": {"Error": "Bad", "Cause": "item 3"}}]})
    summary = summarise(ex)
    each = summary["states"]["Each"]
    assert each["map"] == {"succeeded": 2, "failed": 1, "aborted": 0}
    assert each["status"] == "caught"
    assert badge(each) == "2✓ 1✗"
    work = summary["states"]["Work"]
    assert [r["status"] for r in work["runs"]] == ["succeeded", "succeeded", "failed"]
    assert (work["runs"][2]["error"], work["runs"][2]["cause"]) == ("Bad", "item 3")
    assert work["status"] == "failed"
    assert summary["failedState"] is None
    assert ["Each", "Work"] in summary["edges"] and ["Each", "Handle"] in summary["edges"]


def test_a_failing_branch_aborts_its_sibling_and_the_parallel_is_caught():
    machine = aslsim.load({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Branches": [
            {"StartAt": "Slow", "States": {"Slow": task("slow", End=True)}},
            {"StartAt": "Broken", "States": {"Broken": task("broken", End=True)}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
            "End": True},
        "Recover": {"Type": "Pass", "Assign": {"recovered": True}, "End": True}}})
    ex = machine.run({}, mocks={"Slow": {"return": 1, "duration": 30},
                                "Broken": {"throw": {"Error": "Nope", "Cause": "broken"}, "duration": 5}})
    states = summarise(ex)["states"]
    assert states["Both"]["status"] == "caught"
    assert states["Broken"]["runs"][0]["status"] == "failed"
    assert states["Slow"]["runs"][0]["status"] == "aborted"
    assert states["Recover"]["runs"][0]["variables"] == {"recovered": True}


def test_a_branch_stopped_by_its_failing_sibling_is_drawn_aborted_not_visited(tmp_path):
    machine = aslsim.load({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Broken", "States": {"Broken": task("broken", End=True)}},
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 60, "Next": "Later"},
                                       "Later": {"Type": "Pass", "End": True}}}]}}})
    ex = machine.run({}, mocks={"Broken": {"throw": {"Error": "Nope"}, "duration": 5}})
    drawn = overlay(summarise(ex))
    assert drawn["Slow"]["css"] == "aborted"
    assert "Later" not in drawn                       # never entered: unvisited in the picture
    assert (drawn["Broken"]["css"], drawn["Both"]["css"]) == ("failed", "failed")
    page = ex.report(tmp_path / "r.html", machine).read_text(encoding="utf-8")
    assert 'class="state state-wait aborted" data-state="Slow"' in page


def test_map_iterations_stopped_by_a_failing_one_are_drawn_aborted_and_counted():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Which", "States": {
            "Which": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Broken"}],
                      "Default": "Slow"},
            "Broken": task("broken", End=True),
            "Slow": {"Type": "Wait", "Seconds": 60, "End": True}}}}}})
    ex = machine.run([1, 2, 3], mocks={"Broken": {"throw": {"Error": "Nope"}, "duration": 5}})
    summary = summarise(ex)
    drawn = overlay(summary)
    assert drawn["Slow"]["css"] == "aborted" and drawn["Which"]["css"] == "visited"
    assert summary["states"]["Each"]["map"] == {"succeeded": 0, "failed": 1, "aborted": 2}
    assert drawn["Each"]["badge"] == "0✓ 1✗ 2⊘"


def test_a_fail_state_is_the_failed_state_and_ends_the_execution():
    machine = aslsim.load(str(ROOT / "statemachines" / "file_size_check.asl.json"))
    ex = machine.run({}, mocks={"CheckFileSize": {"return": "not a number"}})
    summary = summarise(ex)
    assert summary["failedState"] == "DefaultState"
    assert summary["states"]["DefaultState"]["runs"][0]["error"] == "UnexpectedFileSize"
    assert summary["edges"][-2:] == [["ChoiceState", "DefaultState"], ["DefaultState", ""]]
    drawn = overlay(summary)
    assert drawn["DefaultState"] == {"css": "failed", "badge": ""}
    assert drawn["CheckFileSize"] == {"css": "visited", "badge": ""}
    assert "ProcessFile" not in drawn
    assert drawn["edges"][("ChoiceState", "DefaultState")] == "visited"


def test_only_the_first_and_last_visits_of_a_busy_state_keep_their_payloads():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}},
        "End": True}}})
    item = summarise(machine.run(list(range(25))))["states"]["Item"]
    assert item["visits"] == 25 and item["omitted"] == 5
    assert [r["index"] for r in item["runs"]] == list(range(1, 11)) + list(range(16, 26))
    assert item["runs"][-1]["input"] == 24


def test_embedded_json_cannot_close_the_script_element():
    value = {"html": "</script><script>alert(1)</script>", "comment": "<!-- x", "sep": "a\u2028b"}
    text = embed_json(value)
    assert "</script" not in text.lower() and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("ms, text", [(0, "0 ms"), (850, "850 ms"), (38500, "38.5 s"),
                                      (125_000, "2 min 5 s"), (3_600_000, "1 h"),
                                      (2 * 86_400_000 + 4 * 3_600_000, "2 d 4 h")])
def test_virtual_time_is_written_for_people(ms, text):
    assert format_ms(ms) == text


def test_a_branch_aborted_while_waiting_to_retry_is_aborted_not_failed():
    machine = aslsim.load({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Patient", "States": {"Patient": task(
                "patient", Retry=[{"ErrorEquals": ["Busy"], "IntervalSeconds": 2}], End=True)}},
            {"StartAt": "Broken", "States": {"Broken": task("broken", End=True)}}]}}})
    ex = machine.run({}, mocks={"Patient": [{"throw": {"Error": "Busy"}}, {"return": 1, "duration": 20}],
                                "Broken": {"throw": {"Error": "Nope"}, "duration": 3}})
    summary = summarise(ex)
    patient = summary["states"]["Patient"]["runs"][0]
    assert (patient["status"], patient["attempts"], patient["error"]) == ("aborted", 2, "Busy")
    assert summary["states"]["Broken"]["runs"][0]["status"] == "failed"
    assert summary["failedState"] == "Broken"
    assert summary["states"]["Both"]["status"] == "failed"


def test_an_uncaught_failure_in_a_map_iteration_names_the_inner_state():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"StartAt": "Check", "States": {"Check": task("check", End=True)}}}}})
    ex = machine.run([1, 2], mocks={"Check": [{"return": 1}, {"throw": {"Error": "Bad", "Cause": "2"}}]})
    summary = summarise(ex)
    assert summary["failedState"] == "Check"
    assert summary["states"]["Each"]["status"] == "failed"
    assert summary["states"]["Each"]["map"] == {"succeeded": 1, "failed": 1, "aborted": 0}
    assert [r["status"] for r in summary["states"]["Check"]["runs"]] == ["succeeded", "failed"]


def test_a_distributed_maps_items_are_counted_from_its_map_run():
    def odd_fails(parameters):
        if parameters["Payload"] % 2:
            raise aslsim.ServiceError("Lambda.Unknown", "odd")
        return {"Payload": parameters["Payload"]}
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ToleratedFailurePercentage": 50, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {"Work": {
                              "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                              "Parameters": {"FunctionName": "work", "Payload.$": "$"}, "End": True}}}}}})
    ex = machine.run([1, 2, 3, 4], mocks={"Work": {"call": odd_fails}})
    assert ex.status == "SUCCEEDED"
    each = summarise(ex)["states"]["Each"]
    assert each["map"] == {"succeeded": 2, "failed": 2, "aborted": 0}
    assert badge(each) == "2✓ 2✗"


def test_the_timeline_is_a_tree_nested_visits_under_their_parallel_or_map_by_branch():
    machine = aslsim.load({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Next": "After", "Branches": [
            {"StartAt": "A1", "States": {"A1": task("a1", Next="A2"), "A2": {"Type": "Pass", "End": True}}},
            {"StartAt": "Each", "States": {"Each": {
                "Type": "Map", "End": True,
                "ItemProcessor": {"StartAt": "M1", "States": {"M1": task("m1", End=True)}}}}}]},
        "After": {"Type": "Pass", "End": True}}})
    # A1 is slow: A2 is entered after both iterations' M1 in the history, and drawn under A1
    ex = machine.run([1, 2], mocks={"A1": {"return": 1, "duration": 10}, "M1": {"return": 2, "duration": 1}})
    rows = [(bar["state"], bar["depth"], bar["start"]) for bar in summarise(ex)["timeline"]]
    assert rows == [("Both", 0, 0), ("A1", 1, 0), ("A2", 1, 10_000), ("Each", 1, 0),
                    ("M1", 2, 0), ("M1", 2, 0), ("After", 0, 10_000)]


def test_the_timeline_tree_keeps_its_bar_cap():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}}}})
    summary = summarise(machine.run(list(range(TIMELINE_BARS + 50))))
    assert len(summary["timeline"]) == TIMELINE_BARS
    assert [bar["depth"] for bar in summary["timeline"][:3]] == [0, 1, 1]
    assert summary["timelineOmitted"] == 51          # the Map and 450 items: 451 visits


@pytest.fixture(scope="module")
def order_scoring(tmp_path_factory):
    """The order-scoring Distributed Map: 4 batches in child executions, the third one fails
    (order 137) and is tolerated."""
    buckets = tmp_path_factory.mktemp("order_scoring") / "s3"
    shutil.copytree(ROOT / "fixtures" / "order_scoring" / "s3", buckets)
    machine = aslsim.load(ROOT / "statemachines" / "order_scoring.asl.json")
    execution = machine.run({"bucket": "incoming", "key": "orders.csv"}, s3=buckets,
                            lambdas={"score-orders": "handlers/score_orders.py:handler"})
    assert execution.status == "SUCCEEDED"
    return execution


def test_a_distributed_maps_inner_states_are_visited_by_its_children(order_scoring):
    summary = summarise(order_scoring)
    score = summary["states"]["Score"]
    assert score["children"] == {"mapState": "ScoreOrders", "succeeded": 3, "failed": 1,
                                 "aborted": 0, "sampled": 4}
    assert (score["type"], score["visits"], score["status"]) == ("Task", 4, "failed")
    assert badge(score) == "✓ 3 ✗ 1"
    assert overlay(summary)["Score"] == {"css": "failed", "badge": "✓ 3 ✗ 1"}
    assert summary["states"]["ScoreOrders"]["map"] == {"succeeded": 150, "failed": 50, "aborted": 0}
    assert ["ScoreOrders", "Score"] in summary["edges"]
    assert len(score["calls"]) == 4                      # the children's Lambda invocations


def test_a_distributed_maps_sampled_children_show_their_input_output_and_error(order_scoring):
    runs = summarise(order_scoring)["states"]["Score"]["runs"]
    assert [(r["child"]["index"], r["child"]["status"], r["status"]) for r in runs] == [
        (0, "SUCCEEDED", "succeeded"), (1, "SUCCEEDED", "succeeded"), (2, "FAILED", "failed"),
        (3, "SUCCEEDED", "succeeded")]
    first, failed = runs[0], runs[2]
    assert [item["id"] for item in first["input"]["Items"]] == [str(i) for i in range(1, 51)]
    assert first["input"]["BatchInput"] == {"source": "orders.csv"}
    assert first["output"]["orders"] == 50 and first["exited"]
    assert failed["child"]["name"] == order_scoring.map_runs[0].children[2].name
    assert failed["error"] == "InvalidOrder"
    assert json.loads(failed["cause"])["errorMessage"] == "order 137 has a negative amount"
    assert (failed["exited"], failed["output"]) == (False, None)


def test_only_a_bounded_number_of_child_histories_are_read(monkeypatch):
    from aslsim.engine.distributed.map_run import ChildExecution
    reads = []
    for name in ("history", "events"):     # a child's log read either way counts
        real = getattr(ChildExecution, name)
        monkeypatch.setattr(ChildExecution, name, property(
            lambda child, real=real: reads.append(child.index) or real.fget(child)))
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ToleratedFailurePercentage": 100, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "Late?", "States": {
                              "Late?": {"Type": "Choice", "Default": "Odd", "Choices": [
                                  {"Variable": "$", "NumericGreaterThanEquals": 195, "Next": "Late"}]},
                              "Odd": {"Type": "Pass", "Next": "Check"},
                              "Late": {"Type": "Pass", "End": True},
                              "Check": {"Type": "Fail", "Error": "Odd"}}}}}})
    summary = summarise(machine.run(list(range(200))))
    states = summary["states"]
    assert states["Late?"]["children"]["succeeded"] == 200
    assert (states["Check"]["children"]["failed"], badge(states["Check"])) == (195, "✓ 0 ✗ 195")
    assert states["Late"]["children"]["succeeded"] == 5 and states["Late"]["runs"][0]["input"] == 195
    # the first 3 failed children (0, 1, 2), the first 3 succeeded (195..197): Late's first visitor
    assert sorted(set(reads)) == [0, 1, 2, 195, 196, 197]
    assert [r["child"]["index"] for r in states["Check"]["runs"]] == [0, 1, 2]
    assert states["Check"]["runs"][0]["error"] == "Odd"
