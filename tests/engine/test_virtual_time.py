"""Time in an execution is virtual: Wait states and timeouts move a clock, never the wall clock.

Sources: developer guide amazon-states-language-wait-state.md (Seconds, Timestamp,
SecondsPath, TimestampPath), amazon-states-language-state-machine-structure.md (top-level
TimeoutSeconds); CHECKLIST sections 0, 2 (Wait) and 9.
"""
import time

import pytest

import aslsim

START = "2025-01-01T00:00:00Z"


def wait_machine(wait, **top):
    return aslsim.load({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Next": "Done", **wait},
        "Done": {"Type": "Pass", "End": True}}, **top})


def test_an_execution_without_waits_stops_when_it_starts():
    ex = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}).run({}, start_time=START)
    assert (ex.start_date, ex.stop_date) == ("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z")


def test_start_time_sets_the_virtual_start_date():
    ex = wait_machine({"Seconds": 0}).run({}, start_time="2030-06-15T08:30:00Z")
    assert ex.start_date == "2030-06-15T08:30:00.000Z"


def test_a_wait_of_an_hour_advances_the_stop_date_by_an_hour():
    ex = wait_machine({"Seconds": 3600}).run({}, start_time=START)
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == "2025-01-01T01:00:00.000Z"


def test_a_wait_of_an_hour_costs_no_real_time():
    began = time.monotonic()
    wait_machine({"Seconds": 3600}).run({}, start_time=START)
    assert time.monotonic() - began < 1.0


def test_a_wait_of_a_year_costs_no_real_time_and_ends_a_year_later():
    began = time.monotonic()
    ex = wait_machine({"Seconds": 365 * 24 * 3600}).run({}, start_time=START)
    assert time.monotonic() - began < 1.0
    assert ex.stop_date == "2026-01-01T00:00:00.000Z"


def test_the_state_after_a_wait_is_entered_when_the_wait_ends():
    ex = wait_machine({"Seconds": 90}).run({}, start_time=START)
    stamps = {(e["type"], e["timestamp"]) for e in ex.history}
    assert ("WaitStateEntered", "2025-01-01T00:00:00.000Z") in stamps
    assert ("WaitStateExited", "2025-01-01T00:01:30.000Z") in stamps
    assert ("PassStateEntered", "2025-01-01T00:01:30.000Z") in stamps


def test_a_wait_passes_its_input_through():
    ex = wait_machine({"Seconds": 5}).run({"keep": [1, 2]}, start_time=START)
    assert ex.output == {"keep": [1, 2]}


def test_seconds_path_reads_the_wait_from_the_input():
    ex = wait_machine({"SecondsPath": "$.delay"}).run({"delay": 45}, start_time=START)
    assert ex.stop_date == "2025-01-01T00:00:45.000Z"


def test_timestamp_waits_until_that_moment():
    ex = wait_machine({"Timestamp": "2025-01-02T00:00:00Z"}).run({}, start_time=START)
    assert ex.stop_date == "2025-01-02T00:00:00.000Z"


def test_timestamp_path_waits_until_the_moment_in_the_input():
    ex = wait_machine({"TimestampPath": "$.until"}).run({"until": "2025-01-01T00:10:00Z"}, start_time=START)
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == "2025-01-01T00:10:00.000Z"


def test_timestamp_path_honours_a_utc_offset():
    ex = wait_machine({"TimestampPath": "$.until"}).run({"until": "2025-01-01T02:00:00+01:00"},
                                                         start_time=START)
    assert ex.stop_date == "2025-01-01T01:00:00.000Z"


def test_a_timestamp_in_the_past_does_not_wait():
    ex = wait_machine({"TimestampPath": "$.until"}).run({"until": "2024-12-31T00:00:00Z"}, start_time=START)
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date == "2025-01-01T00:00:00.000Z"


def test_timestamp_path_to_a_non_timestamp_fails_with_states_runtime():
    # recorded AWS cause text (CHECKLIST section 2, Wait)
    ex = wait_machine({"TimestampPath": "$.start_at"}).run({"start_at": "tomorrow"}, start_time=START)
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == ("An error occurred while executing the state 'W' (entered at the event id #2). "
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                        "date-time format string: $.start_at == tomorrow")


def test_task_calls_are_stamped_with_virtual_time():
    m = aslsim.load({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}})
    ex = m.run({}, mocks={"T": {"return": 1}}, start_time=START)
    assert ex.calls[0]["time"] == ex.start_ms + 60_000


# --- the execution's own TimeoutSeconds -------------------------------------------------------

def test_an_execution_running_past_its_timeout_seconds_times_out():
    ex = wait_machine({"Seconds": 60}, TimeoutSeconds=10).run({}, start_time=START)
    assert ex.status == "TIMED_OUT"
    assert ex.output is None


def test_an_execution_times_out_with_states_timeout():
    ex = wait_machine({"Seconds": 60}, TimeoutSeconds=10).run({}, start_time=START)
    assert ex.error == "States.Timeout"


def test_an_execution_times_out_exactly_timeout_seconds_after_it_started():
    ex = wait_machine({"Seconds": 60}, TimeoutSeconds=10).run({}, start_time=START)
    assert ex.stop_date == "2025-01-01T00:00:10.000Z"
    assert ex.history[-1]["type"] == "ExecutionTimedOut"
    assert ex.history[-1]["timestamp"] == "2025-01-01T00:00:10.000Z"


def test_the_next_state_never_runs_after_the_execution_timed_out():
    ex = wait_machine({"Seconds": 60}, TimeoutSeconds=10).run({}, start_time=START)
    assert ex.flat_path() == ["W"]


def test_an_execution_finishing_within_its_timeout_succeeds():
    ex = wait_machine({"Seconds": 5}, TimeoutSeconds=10).run({}, start_time=START)
    assert ex.status == "SUCCEEDED"


def test_the_execution_timeout_is_not_catchable():
    m = aslsim.load({"TimeoutSeconds": 10, "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
        "Caught": {"Type": "Pass", "End": True}}})
    ex = m.run({}, mocks={"T": {"return": 1, "duration": 600}}, start_time=START)
    assert ex.status == "TIMED_OUT"
    assert "Caught" not in ex.flat_path()


def test_stop_after_aborts_the_execution_at_that_virtual_time_as_aws_records_it():
    machine = aslsim.load({"StartAt": "State_1", "States": {
        "State_1": {"Type": "Wait", "Seconds": 60, "Next": "State_2"},
        "State_2": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}})
    run = machine.run({}, stop_after=10)
    assert (run.status, run.output, run.error, run.cause) == ("ABORTED", None, None, None)
    assert run.stop_ms - run.start_ms == 10_000
    # recorded (test_stop_execution): no WaitStateAborted; ExecutionAborted follows event 0
    assert [(e["type"], e["previousEventId"]) for e in run.history] == [
        ("ExecutionStarted", 0), ("WaitStateEntered", 0), ("ExecutionAborted", 0)]
    assert run.history[-1]["executionAbortedEventDetails"] == {}


def test_stop_after_the_end_changes_nothing_and_a_bad_value_is_refused():
    machine = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    assert machine.run({}, stop_after=5).status == "SUCCEEDED"
    with pytest.raises(aslsim.InputError):
        machine.run({}, stop_after=-1)
