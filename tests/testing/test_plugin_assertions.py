"""The assertions: they pass when they should, and when they fail they say what happened."""
import re
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest

import aslsim
from aslsim.testing import (WorkflowAssertionError, assert_call_time, assert_called,
                            assert_called_with, assert_calls, assert_calls_in_order, assert_cause,
                            assert_error, assert_failed, assert_not_called, assert_not_visited,
                            assert_output, assert_output_contains, assert_path,
                            assert_path_starts_with, assert_status, assert_succeeded,
                            assert_variable, assert_variables, assert_visited,
                            assert_visited_in_order, calls_to, describe, expect)

ROOT = Path(__file__).resolve().parents[2]
FILE_SIZE_CHECK = aslsim.load(str(ROOT / "statemachines" / "file_size_check.asl.json"))
BIG = {"CheckFileSize": {"return": 3145728}, "ProcessFile": {"return": {"processed": True}, "duration": 2}}
HAPPY_PATH = ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]

# A Parallel of two branches, then a Map over two items, then a variable.
NESTED = aslsim.load({
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "Next": "Each", "ResultPath": None, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                        "B": {"Type": "Pass", "End": True}}},
            {"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                              "Parameters": {"FunctionName": "cFunction", "Payload.$": "$"},
                                              "End": True}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "Next": "Keep", "ItemProcessor": {
            "StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"},
                                       "Y": {"Type": "Pass", "End": True}}}},
        "Keep": {"Type": "Pass", "Assign": {"count.$": "States.ArrayLength($)", "label": "done"},
                 "End": True},
    },
})


@pytest.fixture(scope="module")
def big():
    return FILE_SIZE_CHECK.run({"size": 3145728}, mocks=BIG)


@pytest.fixture(scope="module")
def not_a_number():
    return FILE_SIZE_CHECK.run({"size": 3145728}, mocks={"CheckFileSize": {"return": "3145728"}})


@pytest.fixture(scope="module")
def nested():
    return NESTED.run({"items": [1, 2]}, mocks={"C": {"return": {"Payload": "c"}}})


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(WorkflowAssertionError) as caught:
        check(*args, **kwargs)
    assert isinstance(caught.value, AssertionError)
    return str(caught.value)


# -- what every failure carries ---------------------------------------------------------------

def test_a_failure_reports_the_run_after_its_headline(not_a_number):
    message = failure(assert_succeeded, not_a_number)
    headline, report = message.split("\n\n", 1)
    assert headline == "expected status SUCCEEDED, got FAILED"
    assert report == describe(not_a_number)


def test_the_report_names_status_error_cause_failing_state_path_calls_and_last_events(not_a_number):
    lines = describe(not_a_number).splitlines()
    assert lines[:9] == [
        "what happened:",
        "  status  FAILED",
        "  error   UnexpectedFileSize",
        "  cause   checkSize did not return a number of bytes",
        "  failed in state 'DefaultState', whose input was \"3145728\"",
        "  path    CheckFileSize → ChoiceState → DefaultState",
        "  calls   1:",
        "    +0.000s  CheckFileSize  arn:aws:lambda:us-east-1:123456789012:function:checkSize  → \"3145728\"",
        "  last 8 of 10 events:",
    ]
    assert len(lines) == 17
    assert lines[-2] == '       9  +0.000s  FailStateEntered           DefaultState  input="3145728"'
    assert lines[-1] == ("      10  +0.000s  ExecutionFailed            error=UnexpectedFileSize  "
                         "cause=checkSize did not return a number of bytes")


def test_the_report_of_a_success_shows_the_output_and_call_times(big):
    report = describe(big)
    assert "  output  {\"processed\":true}" in report
    assert "    +0.000s  ProcessFile  arn:aws:lambda:us-east-1:123456789012:function:processFile  → {\"processed\":true}" in report
    assert "  last 8 of 16 events:" in report


def test_the_report_finds_the_failing_state_inside_a_parallel_branch():
    ex = NESTED.run({"items": []}, mocks={"C": {"throw": {"Error": "Boom", "Cause": "bad"}}})
    report = describe(ex)
    assert "  failed in state 'C', whose input was {\"items\":[]}" in report
    assert "  path    Both [A → B | C]" in report
    assert "✗ Boom: bad" in report


def test_the_report_shows_branches_and_iterations_in_brackets(nested):
    assert "  path    Both [A → B | C] → Each [X → Y | X → Y] → Keep" in describe(nested)


# -- status, error, cause ---------------------------------------------------------------------

def test_status(big, not_a_number):
    assert_status(big, "SUCCEEDED")
    assert_failed(not_a_number, "UnexpectedFileSize", "checkSize did not return a number of bytes")
    assert failure(assert_status, big, "FAILED").startswith("expected status FAILED, got SUCCEEDED\n")
    assert failure(assert_failed, big).startswith("expected status FAILED, got SUCCEEDED\n")
    with pytest.raises(ValueError, match="status must be one of SUCCEEDED, FAILED, TIMED_OUT, ABORTED"):
        assert_status(big, "SUCCESS")


def test_error(big, not_a_number):
    assert_error(not_a_number, "UnexpectedFileSize")
    assert failure(assert_error, not_a_number, "States.TaskFailed").startswith(
        "expected error 'States.TaskFailed', got 'UnexpectedFileSize'\n")
    assert failure(assert_error, big, "States.TaskFailed").startswith(
        "expected error 'States.TaskFailed', but the execution SUCCEEDED\n")


def test_cause(not_a_number):
    assert_cause(not_a_number, re.compile(r"number of \w+"))
    assert failure(assert_cause, not_a_number, "checkSize failed").startswith(
        "the cause is not as expected\n"
        "  expected: 'checkSize failed'\n"
        "  actual:   'checkSize did not return a number of bytes'\n")
    assert failure(assert_failed, not_a_number, cause=re.compile("^timeout")).startswith(
        "the cause does not match /^timeout/\n  cause: 'checkSize did not return a number of bytes'\n")


# -- output -------------------------------------------------------------------------------------

def test_output_with_a_diff(big):
    assert_output(big, {"processed": True})
    assert_output(big, {"processed": mock.ANY})
    message = failure(assert_output, big, {"processed": False, "size": 3145728})
    assert message.startswith(
        "the output is not as expected\n"
        "  -expected +actual:\n"
        "  @@ -1,4 +1,3 @@\n"
        "   {\n"
        "  -  \"processed\": false,\n"
        "  -  \"size\": 3145728\n"
        "  +  \"processed\": true\n"
        "   }\n")


def test_output_compares_as_json(big):
    """True is not 1 in JSON, though it is in Python."""
    assert "not as expected" in failure(assert_output, big, {"processed": 1})


def test_output_of_a_failed_execution_says_it_has_none(not_a_number):
    assert failure(assert_output, not_a_number, 1).startswith(
        "the output is not as expected (the execution FAILED, so it has no output)\n")


def test_output_contains(nested):
    ex = FILE_SIZE_CHECK.run({}, mocks={"CheckFileSize": {"return": 3145728}, "ProcessFile": {
        "return": {"file": {"size": 3, "name": "a.txt"}, "tags": ["x", "y"]}}})
    assert_output_contains(ex, {"file": {"name": "a.txt"}, "tags": ["x", "y"]})
    message = failure(assert_output_contains, ex,
                      {"file": {"name": "b.txt", "owner": "me"}, "tags": ["x"], "ok": True})
    assert message.startswith(
        "the output does not contain the expected values\n"
        "  $.file.name: expected \"b.txt\", got \"a.txt\"\n"
        "  $.file.owner: missing (expected \"me\")\n"
        "  $.tags: expected [\"x\"], got [\"x\",\"y\"]\n"
        "  $.ok: missing (expected true)\n")


# -- the path -----------------------------------------------------------------------------------

def test_path_exact(big, nested):
    assert_path(big, HAPPY_PATH)
    assert_path(nested, ["Both", "A", "B", "C", "Each", "X", "Y", "X", "Y", "Keep"])
    assert_path(nested, ["Both", [["A", "B"], ["C"]], "Each", [["X", "Y"], ["X", "Y"]], "Keep"])
    assert failure(assert_path, big, ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]).startswith(
        "the path is not as expected\n"
        "  expected: CheckFileSize → ChoiceState → NotifyFileTooSmall\n"
        "  actual:   CheckFileSize → ChoiceState → ProcessFile → NotifyFileOk\n"
        "  first difference at step 3: expected \"NotifyFileTooSmall\", got \"ProcessFile\"\n")
    assert "  the actual path goes on after step 2\n" in failure(assert_path, big, HAPPY_PATH[:2])
    assert "  the actual path stops after step 4\n" in failure(assert_path, big, HAPPY_PATH + ["X"])


def test_path_inside_a_branch_or_an_iteration(nested):
    assert_path(nested, ["A", "B"], inside=("Both", 0))
    assert_path(nested, ["C"], inside=("Both", 1))
    assert_path(nested, ["X", "Y"], inside=("Each", 1))
    assert failure(assert_path, nested, ["Y"], inside=("Each", 0)).startswith(
        "the path of iteration 0 of 'Each' is not as expected\n")
    assert failure(assert_path, nested, ["A"], inside=("Both", 1)).startswith(
        "the path of branch 1 of 'Both' is not as expected\n")
    assert failure(assert_path, nested, ["X"], inside=("Each", 2)).startswith(
        "'Each' ran 2 iteration(es), there is no iteration 2\n")
    assert failure(assert_path, nested, ["X"], inside=("Keep", 0)).startswith(
        "'Keep' ran no branches or iterations: it was not entered, or it is not a Parallel or "
        "Map state\n")


def test_path_starts_with(big):
    assert_path_starts_with(big, "CheckFileSize", "ChoiceState")
    assert failure(assert_path_starts_with, big, "ChoiceState").startswith(
        "the path does not start with ChoiceState\n  it starts with CheckFileSize\n")


def test_visited_in_order(big, nested):
    assert_visited_in_order(big, "CheckFileSize", "NotifyFileOk")
    assert_visited_in_order(nested, "A", "C", "Y", "Keep")
    assert failure(assert_visited_in_order, big, "ProcessFile", "CheckFileSize").startswith(
        "the path does not visit ProcessFile → CheckFileSize in this order\n"
        "  'CheckFileSize' was not entered after 'ProcessFile' (step 3)\n")
    assert failure(assert_visited_in_order, big, "CheckFileSize", "DefaultState").startswith(
        "the path does not visit CheckFileSize → DefaultState in this order\n"
        "  'DefaultState' was never entered\n")
    assert failure(assert_visited_in_order, nested, "C", "A", inside=("Both", 1)).startswith(
        "the path of branch 1 of 'Both' does not visit C → A in this order\n")


def test_visited_and_not_visited(big, nested):
    assert_visited(nested, "X", times=2)
    assert_visited(big, "ProcessFile")
    assert_visited(nested, "X", times=1, inside=("Each", 0))
    assert_not_visited(big, "DefaultState", "NotifyFileTooSmall")
    assert failure(assert_visited, nested, "X", times=3).startswith(
        "'X' was entered 2 times, expected 3 times (the path)\n")
    assert failure(assert_visited, big, "DefaultState").startswith(
        "'DefaultState' was never entered (the path)\n")
    assert failure(assert_not_visited, big, "DefaultState", "ProcessFile").startswith(
        "expected never to enter 'DefaultState', 'ProcessFile' (the path)\n"
        "  entered: 'ProcessFile' (step 3)\n")


# -- calls --------------------------------------------------------------------------------------

def test_a_call_target_is_a_state_an_arn_or_a_lambda_function(big, nested):
    assert len(calls_to(big, "ProcessFile")) == 1
    assert len(calls_to(big, "processFile")) == 1
    assert len(calls_to(big, "arn:aws:lambda:us-east-1:123456789012:function:processFile")) == 1
    assert len(calls_to(nested, "cFunction")) == 1           # lambda:invoke's FunctionName
    assert len(calls_to(nested, "arn:aws:states:::lambda:invoke")) == 1


def test_called(big, not_a_number):
    assert_called(big, "ProcessFile", times=1)
    assert_not_called(not_a_number, "ProcessFile")
    assert failure(assert_called, not_a_number, "ProcessFile").startswith(
        "expected a call to 'ProcessFile', there was none\n")
    assert failure(assert_called, big, "CheckFileSize", times=2).startswith(
        "expected 'CheckFileSize' to be called 2 times, it was called once\n")
    assert failure(assert_not_called, big, "processFile").startswith(
        "expected no call to 'processFile'\n  called: 'processFile' (once)\n")


def test_called_with_matches_a_subset_of_the_parameters(nested):
    assert_called_with(nested, "C", {"FunctionName": "cFunction"})
    assert_called_with(nested, "C", {"Payload": {"items": [1, 2]}}, call=0)
    assert failure(assert_called_with, nested, "C", {"FunctionName": "other", "Qualifier": "1"}).startswith(
        "no call to 'C' has the expected parameters\n"
        "  expected parameters containing: {\"FunctionName\":\"other\",\"Qualifier\":\"1\"}\n"
        "  call at +0.000s differs:\n"
        "    $.FunctionName: expected \"other\", got \"cFunction\"\n"
        "    $.Qualifier: missing (expected \"1\")\n")
    assert failure(assert_called_with, nested, "C", {}, call=1).startswith(
        "expected a call number 1 to 'C' (counted from 0), there were 1\n")


def test_the_exact_calls_and_their_order(big):
    assert_calls(big, ["CheckFileSize", "processFile"])
    assert_calls_in_order(big, "checkSize", "ProcessFile")
    assert failure(assert_calls, big, ["CheckFileSize"]).startswith(
        "the calls are not as expected\n"
        "  expected: CheckFileSize\n"
        "  actual:   CheckFileSize, ProcessFile\n")
    assert failure(assert_calls_in_order, big, "ProcessFile", "CheckFileSize").startswith(
        "the calls do not happen in the order ProcessFile, CheckFileSize\n"
        "  'CheckFileSize' was not called after 'ProcessFile'\n")


def test_the_virtual_time_of_a_call():
    ex = FILE_SIZE_CHECK.run({}, mocks={"CheckFileSize": {"return": 3145728, "duration": 1.5},
                                        "ProcessFile": {"return": {}}},
                             start_time="2025-02-25T19:12:58Z")
    assert_call_time(ex, "ProcessFile", "2025-02-25T19:12:59.500Z")
    assert_call_time(ex, "ProcessFile", 1.5)
    assert_call_time(ex, "ProcessFile", timedelta(seconds=1.5))
    assert_call_time(ex, "CheckFileSize", 0)
    assert failure(assert_call_time, ex, "ProcessFile", 2).startswith(
        "call 0 to 'ProcessFile' happened at 2025-02-25T19:12:59.500Z (+1.500s), "
        "expected 2025-02-25T19:13:00.000Z (+2.000s)\n")


# -- variables ------------------------------------------------------------------------------------

def test_variables(nested):
    assert_variables(nested, {"count": 2, "label": "done"})
    assert_variable(nested, "count", 2)
    assert failure(assert_variables, nested, {"count": 2}).startswith(
        "the variables are not as expected\n  -expected +actual:\n")
    assert failure(assert_variable, nested, "count", 3).startswith("variable $count is 2, expected 3\n")
    assert failure(assert_variable, nested, "total", 3).startswith(
        "variable $total was never assigned\n  variables: $count, $label\n")


# -- the fluent form ------------------------------------------------------------------------------

def test_expect_chains_the_same_checks(big, nested):
    (expect(big).succeeded().output({"processed": True}).path(HAPPY_PATH)
        .visited_in_order("CheckFileSize", "ProcessFile").not_visited("DefaultState")
        .called("ProcessFile", times=1).called_with("ProcessFile", 3145728).calls_in_order(
            "CheckFileSize", "ProcessFile").call_time("ProcessFile", 0))
    expect(nested).inside("Each", 0).path(["X", "Y"]).visited("X", times=1)
    expect(nested).variable("label", "done").variables({"count": 2, "label": "done"})
    assert failure(lambda: expect(big).succeeded().called("ProcessFile", times=2)).startswith(
        "expected 'ProcessFile' to be called 2 times, it was called once\n")


def test_in_pytest_the_failure_points_at_the_test_line_and_prints_the_report(pytester):
    pytester.makepyfile(test_x="""
        import aslsim
        from aslsim.testing import expect

        def test_it():
            machine = aslsim.load({"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})
            ex = machine.run({})
            expect(ex).succeeded().path(["A", "C"])
    """)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        ">       expect(ex).succeeded().path([[]\"A\", \"C\"[]])",
        "E       aslsim.testing.WorkflowAssertionError: the path is not as expected",
        "E         expected: A → C",
        "E         actual:   A → B",
        "E         first difference at step 2: expected \"C\", got \"B\"",
        "E       ",
        "E       what happened:",
        "E         status  SUCCEEDED",
        "FAILED test_x.py::test_it - aslsim.testing.WorkflowAssertionError: the path*",
    ])
    # the report is not printed twice: the assertion already carries it
    assert "aslsim: the last execution" not in result.stdout.str()
    assert "assertions.py" not in result.stdout.str()   # helper frames are hidden
