"""The longest an execution may run, on virtual time: five minutes for EXPRESS and a year for
STANDARD (the developer guide's quotas: "it will fail with a States.Timeout error"), ended as
TimeoutSeconds ends one: TIMED_OUT, States.Timeout, ExecutionTimedOut."""
import aslsim

YEAR_MS = 365 * 24 * 3600 * 1000


def waiting(seconds):
    return aslsim.load({"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": seconds,
                                                                "End": True}}})


def test_an_express_wait_of_400_seconds_times_out_at_five_minutes():
    ex = waiting(400).run({}, execution_type="EXPRESS")
    assert (ex.status, ex.error, ex.cause) == ("TIMED_OUT", "States.Timeout", "The execution timed out.")
    assert ex.stop_ms - ex.start_ms == 300_000
    assert [e["type"] for e in ex.history] == ["ExecutionStarted", "WaitStateEntered", "WaitStateAborted",
                                              "ExecutionTimedOut"]   # as TimeoutSeconds ends it


def test_an_express_wait_within_five_minutes_succeeds():
    ex = waiting(299).run({}, execution_type="EXPRESS")
    assert ex.status == "SUCCEEDED" and ex.stop_ms - ex.start_ms == 299_000


def test_a_standard_execution_times_out_after_a_year():
    ex = waiting(40_000_000).run({})       # 463 days: a valid Wait, longer than a year
    assert (ex.status, ex.error) == ("TIMED_OUT", "States.Timeout")
    assert ex.stop_ms - ex.start_ms == YEAR_MS


def test_a_standard_wait_of_most_of_a_year_succeeds():
    ex = waiting(YEAR_MS // 1000 - 1).run({})
    assert ex.status == "SUCCEEDED"


def test_an_express_loop_of_waits_ends_at_five_minutes():
    machine = aslsim.load({"StartAt": "Tick", "States": {
        "Tick": {"Type": "Wait", "Seconds": 7, "Next": "Tock"},
        "Tock": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
                 "Default": "Tick"},
        "Done": {"Type": "Succeed"}}})
    ex = machine.run({}, execution_type="EXPRESS")
    assert ex.status == "TIMED_OUT" and ex.stop_ms - ex.start_ms == 300_000


def test_timeout_seconds_shorter_than_the_quota_still_decides():
    machine = aslsim.load({"TimeoutSeconds": 60, "StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 200, "End": True}}})
    ex = machine.run({}, execution_type="EXPRESS")
    assert ex.status == "TIMED_OUT" and ex.stop_ms - ex.start_ms == 60_000
