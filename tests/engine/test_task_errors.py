"""Task failures through the public API: Retry, Catch, uncaught errors, States.Runtime, timeouts.

Sources: developer guide concepts-error-handling.md (retriers, "Complex Retry Scenarios",
catchers, error output, ResultPath in a Catch); CHECKLIST sections 3, 6, 7, 8, 9, 13; recorded
AWS cases in shared/conformance (named where used).
"""
import aslsim
from helpers import machine

LAMBDA = "arn:aws:states:::lambda:invoke"


def task(**fields):
    # lambda:invoke takes FunctionName and Payload (checked against botocore's model, as on AWS)
    body = {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "work", "Payload.$": "$"}}
    body.update(fields)
    if "Next" not in body:
        body["End"] = True
    return body


def throw(error, cause=None, **extra):
    thrown = {"Error": error}
    if cause is not None:
        thrown["Cause"] = cause
    return {"throw": thrown, **extra}


def types(execution):
    return [e["type"] for e in execution.history]


def events(execution, event_type):
    return [e for e in execution.history if e["type"] == event_type]


def times(execution, event_type):
    return [e["timestamp"] for e in events(execution, event_type)]


DONE = {"Type": "Pass", "End": True}


# --- Retry ------------------------------------------------------------------------------------

def test_a_retried_task_succeeds_on_the_third_attempt():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"]}])})
    ex = m.run({"a": 1}, mocks={"T": [throw("Flaky"), throw("Flaky"), {"return": {"ok": True}}]})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"ok": True}


def test_retries_appear_in_history_as_failed_then_scheduled_again_without_reentering_the_state():
    # recorded (MAP_CATCH_ERROR_OUTPUT_WITH_RETRY): TaskFailed is followed by TaskScheduled, not
    # by another TaskStateEntered
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"]}])})
    ex = m.run({}, mocks={"T": [throw("Flaky"), throw("Flaky"), {"return": "ok"}]})
    assert types(ex) == [
        "ExecutionStarted", "TaskStateEntered",
        "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskScheduled", "TaskStarted", "TaskSucceeded",
        "TaskStateExited", "ExecutionSucceeded"]


def test_default_retry_waits_one_then_two_seconds_between_attempts():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"]}])})
    ex = m.run({}, mocks={"T": [throw("Flaky"), throw("Flaky"), {"return": "ok"}]},
               start_time="2025-01-01T00:00:00Z")
    assert times(ex, "TaskFailed") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z"]
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z",
                                          "2025-01-01T00:00:03.000Z"]
    assert ex.stop_date == "2025-01-01T00:00:03.000Z"


def test_retry_backoff_counts_from_the_end_of_the_failed_attempt():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3}])})
    ex = m.run({}, mocks={"T": [throw("Slow", duration=10), {"return": "ok"}]})
    assert times(ex, "TaskFailed") == ["2025-01-01T00:00:10.000Z"]
    assert times(ex, "TaskScheduled")[1] == "2025-01-01T00:00:13.000Z"


def test_retry_honours_interval_and_backoff_rate():
    # developer guide: IntervalSeconds 3, BackoffRate 1.5, MaxAttempts 2 -> waits of 3 and 4.5 s
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.Timeout", "Slow"], "IntervalSeconds": 3,
                                   "MaxAttempts": 2, "BackoffRate": 1.5}])})
    ex = m.run({}, mocks={"T": [throw("Slow"), throw("Slow"), {"return": "ok"}]})
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:03.000Z",
                                          "2025-01-01T00:00:07.500Z"]


def test_retry_stops_after_max_attempts_and_the_execution_fails_with_the_last_error():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}])})
    ex = m.run({}, mocks={"T": [throw("E1", "first"), throw("E2", "second"), throw("E3", "third")]})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "E3", "third")
    assert len(ex.calls) == 3


def test_max_attempts_zero_never_retries():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}])})
    ex = m.run({}, mocks={"T": [throw("Boom")]})
    assert (ex.status, ex.error) == ("FAILED", "Boom")
    assert len(ex.calls) == 1


def test_max_delay_seconds_caps_the_wait_between_attempts():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 4,
                                   "BackoffRate": 3, "MaxDelaySeconds": 5}])})
    ex = m.run({}, mocks={"T": [throw("E"), throw("E"), throw("E"), {"return": "ok"}]})
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:04.000Z",
                                          "2025-01-01T00:00:09.000Z", "2025-01-01T00:00:14.000Z"]


def test_a_retrier_for_another_error_does_not_retry():
    m = machine({"T": task(Retry=[{"ErrorEquals": ["Other"]}])})
    ex = m.run({}, mocks={"T": [throw("Boom", "no retry")]})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Boom", "no retry")
    assert len(ex.calls) == 1


def test_states_task_failed_retrier_does_not_retry_a_timeout():
    m = machine({"T": task(TimeoutSeconds=1, Retry=[{"ErrorEquals": ["States.TaskFailed"]}])})
    ex = m.run({}, mocks={"T": [{"return": "late", "duration": 5}]})
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert len(ex.calls) == 1


def test_the_first_matching_retrier_decides_even_when_it_is_exhausted():
    # CHECKLIST 7: later retriers are not tried; the catcher is consulted instead
    m = machine({
        "T": task(Next="Done",
                  Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 1},
                         {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}],
                  Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]),
        "Caught": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": [throw("Boom", "1"), throw("Boom", "2"), {"return": "unused"}]})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "Boom", "Cause": "2"}
    assert len(ex.calls) == 2
    assert ex.flat_path() == ["T", "Caught"]


def test_retrier_counters_persist_across_errors_of_other_retriers():
    # developer guide "Complex Retry Scenarios": ErrorA, ErrorB, ErrorC, ErrorB, ErrorB wait
    # 1, 2, 5 and 4 seconds, then the fifth error exhausts the first retrier and is caught. (The
    # guide prints MaxAttempts 2 yet describes three retries by the first retrier; MaxAttempts 3
    # is the value consistent with its narrative.)
    m = machine({
        "X": task(Next="Y",
                  Retry=[{"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0,
                          "MaxAttempts": 3},
                         {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5}],
                  Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}]),
        "Y": DONE, "Z": DONE})
    ex = m.run({}, mocks={"X": [throw("ErrorA"), throw("ErrorB"), throw("ErrorC"), throw("ErrorB"),
                                throw("ErrorB", "fifth")]})
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z",
                                          "2025-01-01T00:00:03.000Z", "2025-01-01T00:00:08.000Z",
                                          "2025-01-01T00:00:12.000Z"]
    assert ex.flat_path() == ["X", "Z"]
    assert ex.output == {"Error": "ErrorB", "Cause": "fifth"}


def test_max_attempts_counts_retries_per_retrier_not_per_error_name():
    # the guide's definition as printed (MaxAttempts 2): ErrorA and ErrorB use up the first
    # retrier, ErrorC is retried by the second, and the next ErrorB goes straight to the catcher
    m = machine({
        "X": task(Next="Y",
                  Retry=[{"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0,
                          "MaxAttempts": 2},
                         {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5}],
                  Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}]),
        "Y": DONE, "Z": DONE})
    ex = m.run({}, mocks={"X": [throw("ErrorA"), throw("ErrorB"), throw("ErrorC"), throw("ErrorB", "4th")]})
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z",
                                          "2025-01-01T00:00:03.000Z", "2025-01-01T00:00:08.000Z"]
    assert ex.flat_path() == ["X", "Z"]
    assert ex.output == {"Error": "ErrorB", "Cause": "4th"}


# --- Catch ------------------------------------------------------------------------------------

def test_catch_with_result_path_keeps_the_input_and_adds_the_error():
    m = machine({"T": task(Next="Done", Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                                                "Next": "Recover"}]),
                 "Recover": DONE, "Done": DONE})
    ex = m.run({"order": 42}, mocks={"T": throw("PaymentDeclined", "card expired")})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"order": 42, "error": {"Error": "PaymentDeclined", "Cause": "card expired"}}
    assert ex.flat_path() == ["T", "Recover"]


def test_catch_without_result_path_replaces_the_input_with_the_error_output():
    m = machine({"T": task(Next="Done", Catch=[{"ErrorEquals": ["PaymentDeclined"], "Next": "Recover"}]),
                 "Recover": DONE, "Done": DONE})
    ex = m.run({"order": 42}, mocks={"T": throw("PaymentDeclined", "card expired")})
    assert ex.output == {"Error": "PaymentDeclined", "Cause": "card expired"}


def test_catch_with_result_path_null_keeps_the_input_unchanged():
    m = machine({"T": task(Next="Done", Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": None,
                                                "Next": "Recover"}]),
                 "Recover": DONE, "Done": DONE})
    ex = m.run({"order": 42}, mocks={"T": throw("Boom", "x")})
    assert ex.output == {"order": 42}


def test_catchers_are_scanned_in_order():
    m = machine({"T": task(Next="Done", Catch=[{"ErrorEquals": ["Other"], "Next": "A"},
                                               {"ErrorEquals": ["Boom"], "Next": "B"},
                                               {"ErrorEquals": ["States.ALL"], "Next": "C"}]),
                 "A": DONE, "B": DONE, "C": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": throw("Boom", "x")})
    assert ex.flat_path() == ["T", "B"]


def test_retries_run_before_the_catcher_and_the_last_attempts_error_is_caught():
    m = machine({"T": task(Next="Done", Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                           Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]),
                 "Recover": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": [throw("First", "1"), throw("Second", "2")]})
    assert ex.output == {"Error": "Second", "Cause": "2"}
    assert len(ex.calls) == 2


def test_a_caught_task_exits_the_state_and_enters_the_catchers_next_state():
    m = machine({"T": task(Next="Done", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]),
                 "Recover": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": throw("Boom", "x")})
    assert types(ex) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                         "TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited",
                         "ExecutionSucceeded"]


# --- uncaught errors --------------------------------------------------------------------------

def test_an_uncaught_task_error_fails_the_execution_with_that_error_and_cause():
    m = machine({"T": task()})
    ex = m.run({"a": 1}, mocks={"T": throw("PaymentDeclined", "card expired")})
    assert (ex.status, ex.error, ex.cause, ex.output) == ("FAILED", "PaymentDeclined", "card expired", None)


def test_an_uncaught_task_error_ends_the_history_with_task_failed_then_execution_failed():
    m = machine({"T": task()})
    ex = m.run({}, mocks={"T": throw("PaymentDeclined", "card expired")})
    assert types(ex)[-2:] == ["TaskFailed", "ExecutionFailed"]
    failed = ex.history[-1]
    assert failed["previousEventId"] == ex.history[-2]["id"]
    assert failed["executionFailedEventDetails"] == {"error": "PaymentDeclined", "cause": "card expired"}


def test_task_failed_details_name_the_resource_error_and_cause():
    m = machine({"T": task()})
    ex = m.run({}, mocks={"T": throw("PaymentDeclined", "card expired")})
    assert events(ex, "TaskFailed")[0]["taskFailedEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke", "error": "PaymentDeclined", "cause": "card expired"}


def test_an_error_without_a_cause_has_no_cause_in_the_execution_failed_event():
    # recorded (test_fixed_timeout_service_lambda): executionFailedEventDetails {"error": "States.Timeout"}
    m = machine({"T": task()})
    ex = m.run({}, mocks={"T": throw("NoCause")})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "NoCause", None)
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "NoCause"}


def test_a_task_failure_without_a_cause_has_no_cause_in_the_task_failed_event():
    # recorded (test_sqs_failure_in_wait_for_task_tok_no_error_field): absent error/cause are
    # left out of taskFailedEventDetails, not sent as null
    m = machine({"T": task()})
    ex = m.run({}, mocks={"T": throw("NoCause")})
    assert events(ex, "TaskFailed")[0]["taskFailedEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke", "error": "NoCause"}


# --- States.Runtime ---------------------------------------------------------------------------

def test_an_output_path_to_a_missing_field_fails_with_states_runtime():
    m = machine({"T": task(OutputPath="$.missing")})
    ex = m.run({}, mocks={"T": {"return": {"present": 1}}})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == ("An error occurred while executing the state 'T' (entered at the event id #2). "
                        "Invalid path '$.missing' : No results for path: $['missing']")


def test_states_runtime_is_not_caught_by_states_all():
    m = machine({"T": task(Next="Done", OutputPath="$.missing",
                           Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]),
                 "Caught": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": {"return": {"present": 1}}})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert "Caught" not in ex.flat_path()


def test_states_runtime_is_not_caught_by_its_own_name():
    # recorded: test_catch_states_runtime (Catch ["States.Runtime"] on a Task whose OutputPath
    # misses); AWS fails the execution with the cause below
    m = machine({"RaiseRuntime": task(Next="Final", OutputPath="$.no.such.result.path",
                                      Catch=[{"ErrorEquals": ["States.Runtime"], "Next": "CaughtRuntime"}]),
                 "CaughtRuntime": DONE, "Final": DONE})
    ex = m.run({}, mocks={"RaiseRuntime": {"return": {}}})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == ("An error occurred while executing the state 'RaiseRuntime' (entered at the event "
                        "id #2). Invalid path '$.no.such.result.path' : Missing property in path $['no']")


def test_states_runtime_is_not_retried():
    m = machine({"T": task(OutputPath="$.missing", Retry=[{"ErrorEquals": ["States.ALL"]}])})
    ex = m.run({}, mocks={"T": {"return": {"present": 1}}})
    assert ex.error == "States.Runtime"
    assert len(ex.calls) == 1


def test_the_runtime_cause_names_the_event_id_where_the_state_was_entered():
    m = machine({"First": {"Type": "Pass", "Next": "T"}, "T": task(InputPath="$.nope")}, start="First")
    ex = m.run({}, mocks={"T": {"return": {}}})
    assert ex.cause == ("An error occurred while executing the state 'T' (entered at the event id #4). "
                        "Invalid path '$.nope' : No results for path: $['nope']")


# --- Task timeouts ----------------------------------------------------------------------------

def test_a_task_running_past_timeout_seconds_fails_with_states_timeout():
    m = machine({"T": task(TimeoutSeconds=5)})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.Timeout", None)


def test_the_task_times_out_exactly_timeout_seconds_after_it_started():
    m = machine({"T": task(TimeoutSeconds=5)})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}}, start_time="2025-01-01T00:00:00Z")
    timed_out = events(ex, "TaskTimedOut")
    assert [e["timestamp"] for e in timed_out] == ["2025-01-01T00:00:05.000Z"]
    assert ex.stop_date == "2025-01-01T00:00:05.000Z"


def test_a_task_timeout_is_recorded_as_task_timed_out():
    # recorded: test_fixed_timeout_service_lambda
    m = machine({"T": task(TimeoutSeconds=5)})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}})
    assert types(ex) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                         "TaskTimedOut", "ExecutionFailed"]
    assert events(ex, "TaskScheduled")[0]["taskScheduledEventDetails"]["timeoutInSeconds"] == 5
    assert events(ex, "TaskTimedOut")[0]["taskTimedOutEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke", "error": "States.Timeout"}


def test_an_uncaught_task_timeout_fails_the_execution_without_a_cause():
    # recorded: test_fixed_timeout_service_lambda, executionFailedEventDetails {"error": "States.Timeout"}
    m = machine({"T": task(TimeoutSeconds=5)})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}})
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "States.Timeout"}


def test_a_task_finishing_within_its_timeout_succeeds_when_it_finishes():
    m = machine({"T": task(TimeoutSeconds=5)})
    ex = m.run({}, mocks={"T": {"return": "quick", "duration": 2}})
    assert (ex.status, ex.output) == ("SUCCEEDED", "quick")
    assert ex.stop_date == "2025-01-01T00:00:02.000Z"


def test_a_task_timeout_is_caught_with_an_empty_cause():
    # recorded: test_invoke_timeout (lambda:invoke, TimeoutSeconds 5, Catch States.Timeout):
    # the error output is {"Error": "States.Timeout", "Cause": ""}
    m = machine({"T": task(Next="Done", TimeoutSeconds=5,
                           Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Handler"}]),
                 "Handler": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "States.Timeout", "Cause": ""}


def test_a_task_timeout_is_not_caught_by_states_task_failed():
    m = machine({"T": task(Next="Done", TimeoutSeconds=5,
                           Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"},
                                  {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}]),
                 "Failed": DONE, "TimedOut": DONE, "Done": DONE})
    ex = m.run({}, mocks={"T": {"return": "late", "duration": 60}})
    assert ex.flat_path() == ["T", "TimedOut"]


def test_a_timed_out_task_can_be_retried():
    m = machine({"T": task(TimeoutSeconds=5, Retry=[{"ErrorEquals": ["States.Timeout"]}])})
    ex = m.run({}, mocks={"T": [{"return": "late", "duration": 60}, {"return": "ok", "duration": 1}]})
    assert (ex.status, ex.output) == ("SUCCEEDED", "ok")
    assert times(ex, "TaskScheduled") == ["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:06.000Z"]
    assert ex.stop_date == "2025-01-01T00:00:07.000Z"


def test_timeout_seconds_path_reads_the_timeout_from_the_input():
    m = machine({"T": task(TimeoutSecondsPath="$.limit")})
    ex = m.run({"limit": 3}, mocks={"T": {"return": "late", "duration": 60}})
    assert ex.error == "States.Timeout"
    assert ex.stop_date == "2025-01-01T00:00:03.000Z"


# --- State.RetryCount -------------------------------------------------------------------------

def test_retry_count_in_the_context_counts_the_attempts_of_a_retried_task():
    m = machine({"T": task(Parameters={"FunctionName": "f", "Payload": {"attempt.$": "$$.State.RetryCount"}},
                           Retry=[{"ErrorEquals": ["States.ALL"]}])})
    ex = m.run({}, mocks={"T": [throw("E"), throw("E"), {"return": "ok"}]})
    assert [call["parameters"]["Payload"] for call in ex.calls] == [
        {"attempt": 0}, {"attempt": 1}, {"attempt": 2}]


def test_retry_count_is_zero_on_a_task_that_never_failed():
    m = machine({"T": task(Parameters={"FunctionName": "f", "Payload": {"attempt.$": "$$.State.RetryCount"}})})
    ex = m.run({}, mocks={"T": {"return": "ok"}})
    assert ex.calls[0]["parameters"]["Payload"] == {"attempt": 0}
