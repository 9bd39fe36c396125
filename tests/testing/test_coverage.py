"""Workflow coverage (--aslsim-cov): figures, gaps, JSON, HTML, fail-under, xdist and merging."""
import json
import subprocess
import sys

import pytest

from aslsim.testing.coverage import universe

# A Task with a Retry and a Catch, then a Choice with two rules and a Default. Its 19 items:
# 6 states; 8 transitions (Fetch->Route, Fetch->Notify by Catch, Route->Big/Broken/Small,
# Big/Small/Notify->end); 3 Choice rules (two and the Default); 1 retrier; 1 catcher.
FLOW = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
                  "Retry": [{"ErrorEquals": ["Throttled"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Notify"}],
                  "Next": "Route"},
        "Route": {"Type": "Choice",
                  "Choices": [{"Variable": "$.size", "NumericGreaterThan": 100, "Next": "Big"},
                              {"Variable": "$.size", "NumericLessThan": 0, "Next": "Broken"}],
                  "Default": "Small"},
        "Big": {"Type": "Pass", "End": True},
        "Small": {"Type": "Pass", "End": True},
        "Broken": {"Type": "Fail", "Error": "Negative"},
        "Notify": {"Type": "Pass", "End": True},
    },
}

# Two runs: a big file after one throttled attempt (the retrier), a small one (the Default).
TESTS = """
    import aslsim

    MACHINE = aslsim.load("machines/flow.asl.json")

    def test_big_after_a_retry():
        run = MACHINE.run({}, mocks={"Fetch": [{"throw": {"Error": "Throttled"}},
                                               {"return": {"size": 500}}]})
        assert run.flat_path() == ["Fetch", "Route", "Big"]

    def test_small():
        assert MACHINE.run({}, mocks={"Fetch": {"return": {"size": 5}}}).flat_path()[-1] == "Small"
"""

# Two more tests, so that `-n 2` has work to spread and the merge has two halves to join.
MORE_TESTS = """
    import aslsim

    MACHINE = aslsim.load("machines/flow.asl.json")

    def test_broken():
        assert MACHINE.run({}, mocks={"Fetch": {"return": {"size": -1}}}).error == "Negative"

    def test_big_again():
        assert MACHINE.run({}, mocks={"Fetch": {"return": {"size": 101}}}).status == "SUCCEEDED"
"""

NEVER_EXERCISED = [
    "  machines/flow.asl.json",
    "    never entered: 'Broken' (Fail)",
    "    never entered: 'Notify' (Pass)",
    "    never taken: 'Fetch' -> 'Notify' (Catch[0])",
    "    never taken: 'Route' -> 'Broken' (Choices[1])",
    "    never taken: 'Notify' -> (end) (End)",
    "    never taken: Choices[1] of 'Route' ($.size NumericLessThan 0 -> Broken)",
    "    never taken: Catch[0] of 'Fetch' (States.ALL -> Notify)",
]


@pytest.fixture
def project(pytester):
    (pytester.path / "machines").mkdir()
    (pytester.path / "machines" / "flow.asl.json").write_text(json.dumps(FLOW, indent=2))
    pytester.makepyfile(test_flow=TESTS)
    return pytester


def table_row(result, label):
    rows = [line for line in result.outlines if line.startswith(label + " ")]
    assert len(rows) == 1, result.outlines
    return rows[0].split()


def test_the_universe_walks_parallel_branches_and_map_processors():
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "M", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"},
                                        "C": {"Type": "Pass", "End": True}}}]},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "I", "States": {
            "I": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": True,
                  "Retry": [{"ErrorEquals": ["X"]}, {"ErrorEquals": ["States.ALL"]}]}}}},
        "Legacy": {"Type": "Map", "End": True, "Iterator": {"StartAt": "J", "States": {
            "J": {"Type": "Pass", "End": True}}}}}}
    items = universe(definition)
    assert [i["state"] for i in items["states"]] == ["P", "A", "B", "C", "M", "I", "Legacy", "J"]
    # a Succeed state ends its branch without declaring a transition
    assert [(i["from"], i["to"]) for i in items["transitions"]] == [
        ("P", "M"), ("B", "C"), ("C", None), ("M", None), ("I", None), ("Legacy", None), ("J", None)]
    assert [(i["state"], i["retrier"]) for i in items["retries"]] == [("I", 0), ("I", 1)]


def test_two_rules_to_one_state_make_one_transition_and_two_rules():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Default": "X", "Choices": [
            {"Variable": "$.a", "IsPresent": True, "Next": "X"},
            {"And": [{"Variable": "$.b", "StringEquals": "y"},
                     {"Not": {"Variable": "$.c", "BooleanEquals": True}}], "Next": "X"}]},
        "X": {"Type": "Succeed"}}}
    items = universe(definition)
    assert items["transitions"] == [{"from": "C", "to": "X", "hits": 0,
                                     "via": ["Choices[0]", "Choices[1]", "Default"]}]
    assert [i["condition"] for i in items["rules"]] == [
        "$.a IsPresent true", 'And($.b StringEquals "y", Not($.c BooleanEquals true))', None]


def test_the_terminal_report_counts_each_category_and_lists_what_never_ran(project):
    result = project.runpytest("--aslsim-cov")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    row = table_row(result, "machines/flow.asl.json")
    assert row == ["machines/flow.asl.json", "2", "4/6", "67%", "5/8", "62%", "2/3", "67%",
                   "1/1", "100%", "0/1", "0%", "12/19", "63.2%"]
    assert table_row(result, "TOTAL")[-2:] == ["12/19", "63.2%"]
    start = result.outlines.index("Never exercised:")
    assert result.outlines[start + 1:start + 1 + len(NEVER_EXERCISED)] == NEVER_EXERCISED


def test_without_the_option_there_is_no_report(project):
    result = project.runpytest()
    result.assert_outcomes(passed=2)
    assert "aslsim workflow coverage" not in result.stdout.str()


def test_the_json_report_holds_the_figures_and_every_item_with_its_hits(project):
    result = project.runpytest("--aslsim-cov-json=out/cov.json")
    assert result.ret == 0
    report = json.loads((project.path / "out" / "cov.json").read_text())
    assert report["format"] == "aslsim-coverage/1"
    assert report["summary"]["total"] == {"covered": 12, "total": 19, "percent": 63.16}
    assert report["summary"]["catches"] == {"covered": 0, "total": 1, "percent": 0.0}
    (machine,) = report["machines"]
    assert (machine["key"], machine["kind"], machine["executions"]) == ("machines/flow.asl.json", "file", 2)
    assert machine["summary"] == report["summary"]
    items = machine["items"]
    assert {i["state"]: i["hits"] for i in items["states"]} == {
        "Fetch": 2, "Route": 2, "Big": 1, "Small": 1, "Broken": 0, "Notify": 0}
    assert items["retries"] == [{"state": "Fetch", "retrier": 0, "errors": ["Throttled"], "hits": 1}]
    assert items["catches"] == [{"state": "Fetch", "catcher": 0, "errors": ["States.ALL"],
                                 "next": "Notify", "hits": 0}]
    assert [(r["rule"], r["hits"]) for r in items["rules"]] == [(0, 1), (1, 0), ("Default", 1)]
    assert {(t["from"], t["to"]): t["hits"] for t in items["transitions"]} == {
        ("Fetch", "Route"): 2, ("Fetch", "Notify"): 0, ("Route", "Big"): 1, ("Route", "Broken"): 0,
        ("Route", "Small"): 1, ("Big", None): 1, ("Small", None): 1, ("Notify", None): 0}


def test_the_html_page_is_self_contained(project):
    assert project.runpytest("--aslsim-cov-html=cov.html").ret == 0
    page = (project.path / "cov.html").read_text()
    assert "machines/flow.asl.json" in page and "63.2%" in page
    assert "Catch[0] of &#x27;Fetch&#x27; (States.ALL -&gt; Notify)" in page
    assert "http" not in page and "<script" not in page and "<link" not in page


def test_fail_under_passes_at_or_below_the_total(project):
    result = project.runpytest("--aslsim-cov-fail-under=63")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["aslsim workflow coverage 63.16% reaches --aslsim-cov-fail-under=63"])


def test_fail_under_fails_the_run_above_the_total(project):
    result = project.runpytest("--aslsim-cov-fail-under=63.5")
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAIL: aslsim workflow coverage 63.16% (12 of 19 items) is below "
                                 "--aslsim-cov-fail-under=63.5"])


def test_fail_under_with_no_machine_run_fails(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--aslsim-cov-fail-under=10")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*no state machine was reported*"])


def test_source_globs_select_machines_and_count_files_never_run(project):
    (project.path / "machines" / "idle.asl.json").write_text(json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
    (project.path / "other").mkdir()
    (project.path / "other" / "skip.asl.json").write_text(json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
    project.makepyfile(test_other="""
        import aslsim
        def test_other():
            aslsim.load("other/skip.asl.json").run({})
    """)
    result = project.runpytest("--aslsim-cov-source=machines/*.asl.json", "--aslsim-cov-json=c.json")
    report = json.loads((project.path / "c.json").read_text())
    assert [(m["key"], m["executions"]) for m in report["machines"]] == [
        ("machines/flow.asl.json", 2), ("machines/idle.asl.json", 0)]
    assert report["summary"]["total"]["total"] == 19 + 2
    assert table_row(result, "machines/idle.asl.json")[-2:] == ["0/2", "0.0%"]


def test_inline_definitions_named_child_executions_and_left_out_ones(pytester):
    pytester.makepyfile(test_inline="""
        import aslsim

        CHILD = {"StartAt": "C", "States": {"C": {"Type": "Pass", "End": True}}}
        PARENT = {"StartAt": "Start", "States": {"Start": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child"},
            "End": True}}}

        def test_parent_starts_a_child():
            child = aslsim.load(CHILD, name="Child")
            run = aslsim.load(PARENT, name="Parent").run({}, machines=[child])
            assert run.status == "SUCCEEDED", run.cause

        def test_another_child_with_the_same_name():
            aslsim.load({"StartAt": "D", "States": {"D": {"Type": "Succeed"}}}, name="Child").run({})

        def test_anonymous():
            aslsim.load({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}).run({})
    """)
    result = pytester.runpytest("--aslsim-cov-json=c.json")
    result.assert_outcomes(passed=3)
    labels = [m["label"] for m in json.loads((pytester.path / "c.json").read_text())["machines"]]
    assert len(labels) == 3 and labels[2] == "Parent"
    assert labels[0].startswith("Child [") and labels[1].startswith("Child [")
    result.stdout.fnmatch_lines(["(left out: 1 inline definition(s) with no file and no name; "
                                 "--aslsim-cov-all reports them)"])
    result = pytester.runpytest("--aslsim-cov-json=c.json", "--aslsim-cov-all")
    labels = [m["label"] for m in json.loads((pytester.path / "c.json").read_text())["machines"]]
    assert len(labels) == 4 and "StateMachine" in labels


def test_xdist_workers_send_their_data_and_the_report_equals_a_serial_run(project):
    project.makepyfile(test_more=MORE_TESTS)
    serial = project.runpytest("--aslsim-cov-json=serial.json")
    serial.assert_outcomes(passed=4)
    spread = project.runpytest("-n", "2", "--aslsim-cov-json=spread.json")
    spread.assert_outcomes(passed=4)
    spread.stdout.fnmatch_lines(["*2 workers*"])
    text = (project.path / "serial.json").read_text()
    assert (project.path / "spread.json").read_text() == text
    assert json.loads(text)["machines"][0]["executions"] == 4
    assert table_row(spread, "TOTAL") == table_row(serial, "TOTAL")


def test_merging_the_reports_of_two_shards_equals_one_run(project):
    project.makepyfile(test_more=MORE_TESTS)
    assert project.runpytest("--aslsim-cov-json=whole.json").ret == 0
    assert project.runpytest("test_flow.py", "--aslsim-cov-json=a.json").ret == 0
    assert project.runpytest("test_more.py", "--aslsim-cov-json=b.json").ret == 0
    merged = subprocess.run([sys.executable, "-m", "aslsim.testing.coverage", "merge", "a.json",
                             "b.json", "-o", "total.json", "--fail-under", "90"],
                            cwd=project.path, capture_output=True, text=True)
    assert (project.path / "total.json").read_text() == (project.path / "whole.json").read_text()
    assert "machines/flow.asl.json" in merged.stdout
    assert merged.returncode == 1
    assert "is below --aslsim-cov-fail-under=90" in merged.stderr


def test_merge_refuses_a_file_that_is_not_a_coverage_report(tmp_path):
    (tmp_path / "x.json").write_text('{"format": "other"}')
    merged = subprocess.run([sys.executable, "-m", "aslsim.testing.coverage", "merge", "x.json"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert merged.returncode == 2
    assert "not an aslsim coverage report" in merged.stderr


def test_under_xdist_a_module_fixture_runs_once_per_worker_but_the_figures_stay(project):
    # each worker sets a module-scoped fixture up once: more runs and hits than serially, the
    # same items covered, so the same counts and percentages
    project.makepyfile(test_flow=TESTS + """
    import pytest

    @pytest.fixture(scope="module")
    def shared():
        return MACHINE.run({}, mocks={"Fetch": {"return": {"size": -5}}})

    @pytest.mark.parametrize("n", range(4))
    def test_shared(shared, n):
        assert shared.error == "Negative"
""")
    project.runpytest("--aslsim-cov-json=serial.json").assert_outcomes(passed=6)
    project.runpytest("-n", "2", "--aslsim-cov-json=spread.json").assert_outcomes(passed=6)
    serial = json.loads((project.path / "serial.json").read_text())
    spread = json.loads((project.path / "spread.json").read_text())
    assert spread["summary"] == serial["summary"]
    assert serial["summary"]["total"]["covered"] == 15
    assert serial["machines"][0]["executions"] == 3
    assert spread["machines"][0]["executions"] in (3, 4)
