"""Local Python handlers answering Lambda Tasks (aslsim.services.lambda_local.LocalLambdas).

Shapes and texts come from executions recorded on AWS (shared/conformance/cases.jsonl, named
where used) and from Lambda's Python runtime (awslambdaric: bootstrap.make_error,
lambda_runtime_marshaller, lambda_context).
"""
import json
import os
import textwrap

import pytest

import aslsim
from aslsim.services.lambda_local import LocalLambdas
from helpers import machine

INVOKE = "arn:aws:states:::lambda:invoke"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def invoke_task(function="fn", **fields):
    body = {"Type": "Task", "Resource": INVOKE,
            "Parameters": {"FunctionName": function, "Payload.$": "$"}, "End": True}
    body.update(fields)
    return body


def arn_task(function="fn", **fields):
    body = {"Type": "Task", "Resource": ARN + function, "End": True}
    body.update(fields)
    return body


def write(tmp_path, relative, source):
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def raising(exc):
    def handler(event, context):
        raise exc
    return handler


# --- events and results -----------------------------------------------------------------------

def test_plain_function_arn_gets_the_state_input_and_returns_the_bare_result():
    seen = []
    m = machine({"T": arn_task(InputPath="$.order")})
    ex = m.run({"order": {"id": 7}}, lambdas={"fn": lambda event, context: seen.append(event) or {"ok": 1}})
    assert ex.status == "SUCCEEDED"
    assert seen == [{"id": 7}]
    assert ex.output == {"ok": 1}


def test_plain_function_arn_with_parameters_gets_the_rendered_parameters():
    seen = []
    m = machine({"T": arn_task(Parameters={"n.$": "$.x", "fixed": True})})
    m.run({"x": 3}, lambdas={"fn": lambda event, context: seen.append(event)})
    assert seen == [{"n": 3, "fixed": True}]


def test_invoke_gets_the_payload_and_returns_the_recorded_invoke_response():
    seen = []

    def handler(event, context):
        seen.append((event, context.aws_request_id))
        return {"body": "string body"}

    ex = machine({"T": invoke_task()}).run({"a": [1, 2]}, lambdas={"fn": handler})
    assert seen[0][0] == {"a": [1, 2]}
    out = ex.output
    request_id = seen[0][1]
    # key set and values as recorded (local_mocking test_lambda_service_invoke: Payload
    # {"body": "string body"} has Content-Length 23, json's default separators)
    assert sorted(out) == ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata",
                           "StatusCode"]
    assert out["ExecutedVersion"] == "$LATEST" and out["StatusCode"] == 200
    assert out["Payload"] == {"body": "string body"}
    assert out["SdkResponseMetadata"] == {"RequestId": request_id}
    meta = out["SdkHttpMetadata"]
    assert meta["HttpStatusCode"] == 200
    headers = meta["HttpHeaders"]
    assert sorted(headers) == ["Connection", "Content-Length", "Content-Type", "Date",
                               "X-Amz-Executed-Version", "X-Amzn-Trace-Id",
                               "x-amzn-Remapped-Content-Length", "x-amzn-RequestId"]
    assert headers["Content-Length"] == "23"
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-RequestId"] == request_id
    assert headers["Date"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert meta["AllHttpHeaders"] == {k: [v] for k, v in headers.items()}


def test_invoke_without_payload_sends_an_empty_object():
    seen = []
    m = machine({"T": invoke_task(Parameters={"FunctionName": "fn"})})
    m.run({"ignored": 1}, lambdas={"fn": lambda event, context: seen.append(event)})
    assert seen == [{}]


@pytest.mark.parametrize("value, length", [("HelloWorld", "12"), (0, "1"), (True, "4"),
                                           ([], "2"), (None, "4")])
def test_json_values_round_trip_through_invoke_with_their_length(value, length):
    # recorded: test_lambda_task_service.py::test_invoke_json_values ("null" for None is the
    # runtime's json.dumps)
    ex = machine({"T": invoke_task()}).run({}, lambdas={"fn": lambda event, context: value})
    assert ex.output["Payload"] == value
    assert ex.output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == length


def test_none_is_null_for_a_plain_arn():
    ex = machine({"T": arn_task()}).run({}, lambdas={"fn": lambda event, context: None})
    assert ex.status == "SUCCEEDED" and ex.output is None


def test_the_result_is_what_json_makes_of_it():
    ex = machine({"T": arn_task()}).run({}, lambdas={"fn": lambda e, c: {"t": (1, 2), 3: "x"}})
    assert ex.output == {"t": [1, 2], "3": "x"}


def test_the_handler_cannot_change_the_state_input_it_was_given():
    def handler(event, context):
        event["x"] = "changed"
        return 1

    m = machine({"T": arn_task(ResultPath="$.r")})
    assert m.run({"x": 1}, lambdas={"fn": handler}).output == {"x": 1, "r": 1}


def test_an_unserialisable_result_is_the_runtime_marshal_error():
    ex = machine({"T": arn_task()}).run({}, lambdas={"fn": lambda e, c: {"s": {1, 2}}})
    assert ex.status == "FAILED"
    assert ex.error == "Runtime.MarshalError"
    cause = json.loads(ex.cause)
    assert list(cause) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert cause["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"
    assert cause["stackTrace"] == []


@pytest.mark.parametrize("function_name", [
    "fn", "fn:live", "123456789012:function:fn", "arn:aws:lambda:us-east-1:123456789012:function:fn",
    "arn:aws:lambda:us-east-1:123456789012:function:fn:7"])
def test_every_form_of_function_name_reaches_the_handler(function_name):
    arns = []
    m = machine({"T": invoke_task(Parameters={"FunctionName": function_name})})
    ex = m.run({}, lambdas={"fn": lambda e, c: arns.append(c.invoked_function_arn) or "ok"})
    assert ex.output["Payload"] == "ok"
    expected = {"fn": ARN + "fn", "fn:live": ARN + "fn:live",
                "123456789012:function:fn": ARN + "fn"}.get(function_name, function_name)
    assert arns == [expected]


def test_a_spec_keyed_by_arn_answers_the_function_of_that_name():
    m = machine({"T": arn_task("processFile")})
    ex = m.run(5, lambdas={ARN + "processFile": lambda e, c: e * 2})
    assert ex.output == 10


def test_a_handler_of_one_argument_gets_the_event():
    assert machine({"T": arn_task()}).run(2, lambdas={"fn": lambda event: event + 1}).output == 3


# --- errors -----------------------------------------------------------------------------------

RECORDED_CAUSE = ('{"errorMessage":"Some exception was raised.","errorType":"Exception",'
                  '"requestId":"<uuid:1>","stackTrace":["  File \\"/var/task/handler.py\\", line 2, '
                  'in handler\\n    raise Exception(\\"Some exception was raised.\\")\\n"]}')


def recorded_handler(tmp_path):
    # the function of the recorded cases: line 2 raises
    return write(tmp_path, "handler.py", """\
        def handler(event, context):
            raise Exception("Some exception was raised.")
        """)


def test_an_exception_through_invoke_is_the_recorded_error_and_compact_cause(tmp_path):
    # recorded: test_task_service_lambda.py::test_raise_exception_catch (Error "Exception", the
    # cause as compact JSON); only the file path and the request id differ locally
    path = recorded_handler(tmp_path)
    lambdas = LocalLambdas({"fn": "handler.py:handler"}, base_dir=tmp_path)
    ex = machine({"T": invoke_task()}).run({}, lambdas=lambdas)
    assert ex.status == "FAILED"
    assert ex.error == "Exception"
    request_id = json.loads(ex.cause)["requestId"]
    expected = RECORDED_CAUSE.replace("/var/task/handler.py", str(path)).replace("<uuid:1>", request_id)
    assert ex.cause == expected


def test_an_exception_through_a_plain_arn_keeps_the_runtimes_separators(tmp_path):
    # recorded: test_task_lambda.py::test_raise_exception_catch gives the same document with
    # ", " and ": " separators
    path = recorded_handler(tmp_path)
    lambdas = LocalLambdas({"fn": "handler.py:handler"}, base_dir=tmp_path)
    ex = machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert ex.error == "Exception"
    document = json.loads(ex.cause)
    assert ex.cause == json.dumps(document)
    assert document["stackTrace"] == [
        f'  File "{path}", line 2, in handler\n    raise Exception("Some exception was raised.")\n']


def test_a_custom_exception_is_named_by_its_class_with_an_empty_message():
    class CustomException(Exception):
        pass

    ex = machine({"T": invoke_task()}).run({}, lambdas={"fn": raising(CustomException())})
    assert ex.error == "CustomException"
    assert json.loads(ex.cause)["errorMessage"] == ""


def test_the_stack_trace_starts_at_the_handler_and_follows_its_calls(tmp_path):
    path = write(tmp_path, "deep.py", """\
        def inner(x):
            return 1 / x

        def handler(event, context):
            return inner(0)
        """)
    lambdas = LocalLambdas({"fn": "deep.py:handler"}, base_dir=tmp_path)
    ex = machine({"T": invoke_task()}).run({}, lambdas=lambdas)
    cause = json.loads(ex.cause)
    assert ex.error == "ZeroDivisionError"
    assert cause["errorMessage"] == "division by zero"
    assert cause["stackTrace"] == [
        f'  File "{path}", line 5, in handler\n    return inner(0)\n',
        f'  File "{path}", line 2, in inner\n    return 1 / x\n']


def test_a_handler_error_is_caught_as_states_task_failed_with_its_error_output():
    # recorded (test_raise_exception_catch): a Catch on Lambda.Unknown does not match, the one
    # on States.TaskFailed does
    states = {
        "T": invoke_task(Catch=[{"ErrorEquals": ["Lambda.Unknown"], "Next": "Unknown"},
                                {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err",
                                 "Next": "Handled"}]),
        "Unknown": {"Type": "Fail"},
        "Handled": {"Type": "Pass", "End": True},
    }
    ex = machine(states).run({"in": 1}, lambdas={"fn": raising(KeyError("missing"))})
    assert ex.status == "SUCCEEDED"
    assert ex.path == ["T", "Handled"]
    assert ex.output["in"] == 1
    assert ex.output["err"]["Error"] == "KeyError"
    assert json.loads(ex.output["err"]["Cause"])["errorMessage"] == "'missing'"


def test_a_handler_error_is_retried_with_a_new_request_id_each_attempt():
    attempts = []

    def flaky(event, context):
        attempts.append(context.aws_request_id)
        if len(attempts) < 3:
            raise RuntimeError("try again")
        return "done"

    task = arn_task(Retry=[{"ErrorEquals": ["RuntimeError"], "IntervalSeconds": 2,
                            "BackoffRate": 1}])
    ex = machine({"T": task}).run({}, lambdas={"fn": flaky})
    assert ex.status == "SUCCEEDED" and ex.output == "done"
    assert len(attempts) == 3 and len(set(attempts)) == 3
    assert ex.stop_ms - ex.start_ms == 4000


def test_request_ids_are_deterministic_and_match_the_cause():
    ids = []

    def handler(event, context):
        ids.append(context.aws_request_id)
        raise ValueError("no")

    m = machine({"T": invoke_task()})
    first = m.run({}, lambdas={"fn": handler})
    second = m.run({}, lambdas={"fn": handler})
    assert ids[0] == ids[1]
    assert json.loads(first.cause)["requestId"] == ids[0]
    assert first.cause == second.cause


def test_map_iterations_get_distinct_request_ids():
    ids = []
    states = {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "T", "States": {"T": arn_task()}}}}
    ex = machine(states).run([1, 2, 3], lambdas={"fn": lambda e, c: ids.append(c.aws_request_id) or e})
    assert ex.output == [1, 2, 3]
    assert len(set(ids)) == 3


def test_a_handler_can_raise_a_service_error_as_lambda_would():
    def throttled(event, context):
        raise aslsim.ServiceError("Lambda.TooManyRequestsException", "Rate Exceeded.")

    ex = machine({"T": invoke_task()}).run({}, lambdas={"fn": throttled})
    assert (ex.error, ex.cause) == ("Lambda.TooManyRequestsException", "Rate Exceeded.")


# --- context and environment ------------------------------------------------------------------

def test_the_context_has_the_python_runtime_attributes():
    seen = {}

    def handler(event, context):
        seen.update(vars(context))
        seen["remaining"] = context.get_remaining_time_in_millis()

    lambdas = {"fn": {"handler": handler, "timeout": 10, "duration": 2.5, "memory": 512}}
    machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert seen["function_name"] == "fn"
    assert seen["function_version"] == "$LATEST"
    assert seen["invoked_function_arn"] == ARN + "fn"
    assert seen["memory_limit_in_mb"] == "512"      # a string, as the runtime reads it from env
    assert seen["log_group_name"] == "/aws/lambda/fn"
    assert seen["log_stream_name"].startswith("2025/01/01/[$LATEST]")
    assert len(seen["aws_request_id"]) == 36
    assert seen["remaining"] == 7500


def test_the_environment_is_set_during_the_call_and_restored_after(monkeypatch):
    monkeypatch.setenv("BUCKET", "outer")
    monkeypatch.delenv("KEY", raising=False)
    seen = {}

    def handler(event, context):
        seen.update({k: os.environ.get(k) for k in (
            "BUCKET", "KEY", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_LOG_GROUP_NAME")})
        os.environ["LEFT_BEHIND"] = "x"

    lambdas = {"fn": {"handler": handler, "environment": {"BUCKET": "b", "KEY": "k"}}}
    machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert seen == {"BUCKET": "b", "KEY": "k", "AWS_REGION": "us-east-1",
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_LAMBDA_FUNCTION_NAME": "fn",
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn"}
    assert os.environ["BUCKET"] == "outer"
    assert "KEY" not in os.environ and "LEFT_BEHIND" not in os.environ
    assert "AWS_LAMBDA_FUNCTION_NAME" not in os.environ


def test_the_environment_is_restored_when_the_handler_raises(monkeypatch):
    monkeypatch.delenv("SECRET", raising=False)
    before = dict(os.environ)
    lambdas = {"fn": {"handler": raising(ValueError("x")), "environment": {"SECRET": "s"}}}
    ex = machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert ex.error == "ValueError"
    assert dict(os.environ) == before


def test_the_region_comes_from_the_function_arn():
    regions = []
    m = machine({"T": {"Type": "Task", "End": True,
                       "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:fn"}})
    m.run({}, lambdas={"fn": lambda e, c: regions.append((os.environ["AWS_REGION"],
                                                          c.invoked_function_arn))})
    assert regions == [("eu-west-1", "arn:aws:lambda:eu-west-1:111122223333:function:fn")]


# --- time -------------------------------------------------------------------------------------

def test_the_declared_duration_is_virtual_time():
    lambdas = {"fn": {"handler": lambda e, c: 1, "duration": 2.5}}
    ex = machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert ex.stop_ms - ex.start_ms == 2500


def test_a_duration_beyond_timeout_seconds_is_states_timeout_though_the_function_ran():
    # on AWS the function keeps running in the background and finishes; the Task gives up
    ran = []
    lambdas = {"fn": {"handler": lambda e, c: ran.append(1), "duration": 8, "timeout": 30}}
    ex = machine({"T": invoke_task(TimeoutSeconds=5)}).run({}, lambdas=lambdas)
    assert ex.status == "FAILED"
    assert ex.error == "States.Timeout" and not ex.cause
    assert ex.stop_ms - ex.start_ms == 5000
    assert ran == [1]


def test_a_duration_beyond_the_function_timeout_is_lambdas_timeout_error():
    ran = []
    lambdas = {"fn": {"handler": lambda e, c: ran.append(1), "duration": 5, "timeout": 3}}
    ex = machine({"T": invoke_task(TimeoutSeconds=60)}).run({}, lambdas=lambdas)
    assert ex.status == "FAILED"
    assert ex.error == "Sandbox.Timedout"
    cause = json.loads(ex.cause)
    assert cause["errorType"] == "Sandbox.Timedout"
    assert cause["errorMessage"].endswith(" Error: Task timed out after 3.00 seconds")
    assert cause["errorMessage"].startswith("RequestId: ")
    assert ex.stop_ms - ex.start_ms == 3000     # Lambda stops it at its timeout
    assert ran == []                            # it never returned


def test_the_function_timeout_defaults_to_lambdas_three_seconds():
    lambdas = {"fn": {"handler": lambda e, c: 1, "duration": 4}}
    ex = machine({"T": arn_task()}).run({}, lambdas=lambdas)
    assert ex.error == "Sandbox.Timedout"


def test_a_function_timeout_is_caught_by_states_task_failed_not_states_timeout():
    states = {"T": arn_task(Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Timeout"},
                                   {"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"}]),
              "Timeout": {"Type": "Pass", "Result": "timeout", "End": True},
              "Failed": {"Type": "Pass", "Result": "failed", "End": True}}
    lambdas = {"fn": {"handler": lambda e, c: 1, "duration": 10, "timeout": 1}}
    assert machine(states).run({}, lambdas=lambdas).output == "failed"


# --- loading handlers -------------------------------------------------------------------------

def test_handler_files_resolve_against_base_dir_and_load_once(tmp_path):
    write(tmp_path, "handlers/count.py", """\
        LOADS = []
        LOADS.append(1)

        def handler(event, context):
            return len(LOADS)
        """)
    lambdas = LocalLambdas({"fn": "handlers/count.py:handler"}, base_dir=tmp_path)
    m = machine({"T": arn_task()})
    assert m.run({}, lambdas=lambdas).output == 1
    assert m.run({}, lambdas=lambdas).output == 1


def test_two_handler_files_with_the_same_stem_stay_apart(tmp_path):
    write(tmp_path, "a/handler.py", "def handler(event, context):\n    return 'a'\n")
    write(tmp_path, "b/handler.py", "def handler(event, context):\n    return 'b'\n")
    lambdas = LocalLambdas({"one": "a/handler.py:handler", "two": "b/handler.py:handler"},
                           base_dir=tmp_path)
    states = {"One": {"Type": "Task", "Resource": ARN + "one", "ResultPath": "$.one", "Next": "Two"},
              "Two": {"Type": "Task", "Resource": ARN + "two", "ResultPath": "$.two", "End": True}}
    assert machine(states).run({}, lambdas=lambdas).output == {"one": "a", "two": "b"}


def test_a_handler_file_can_import_its_neighbours(tmp_path):
    write(tmp_path, "pkgless/helper_for_lambda_test.py", "VALUE = 42\n")
    write(tmp_path, "pkgless/main.py", """\
        import helper_for_lambda_test

        def handler(event, context):
            return helper_for_lambda_test.VALUE
        """)
    lambdas = LocalLambdas({"fn": "pkgless/main.py:handler"}, base_dir=tmp_path)
    assert machine({"T": arn_task()}).run({}, lambdas=lambdas).output == 42


def test_a_module_handler_is_imported_from_base_dir(tmp_path):
    write(tmp_path, "lambdapkg_for_test/__init__.py", "")
    write(tmp_path, "lambdapkg_for_test/process.py", "def main(event, context):\n    return 'pkg'\n")
    lambdas = LocalLambdas({ARN + "fn": "lambdapkg_for_test.process:main"}, base_dir=tmp_path)
    assert machine({"T": arn_task()}).run({}, lambdas=lambdas).output == "pkg"


@pytest.mark.parametrize("spec, words", [
    ({"fn": "nowhere.py:handler"}, ["lambda 'fn'", "no handler file", "nowhere.py"]),
    ({"fn": "ok.py:missing"}, ["lambda 'fn'", "has no attribute 'missing'"]),
    ({"fn": "ok.py:VALUE"}, ["lambda 'fn'", "is not callable"]),
    ({"fn": "broken.py:handler"}, ["lambda 'fn'", "loading", "SyntaxError"]),
    ({"fn": "no_such_module_xyz:handler"}, ["lambda 'fn'", "cannot import module"]),
    ({"fn": "ok.py"}, ["lambda 'fn'", "'path/to/file.py:function'"]),
    ({"fn": 42}, ["lambda 'fn'", "callable"]),
    ({"fn": {"handler": "ok.py:handler", "memroy": 256}}, ["lambda 'fn'", "memroy"]),
    ({"fn": {"environment": {}}}, ["lambda 'fn'", "'handler'"]),
    ({"fn": {"handler": "ok.py:handler", "environment": {"N": 1}}}, ["'environment'", "strings"]),
    ({"fn": {"handler": "ok.py:handler", "timeout": 0}}, ["'timeout'", "900"]),
    ({"fn": {"handler": "ok.py:handler", "duration": -1}}, ["'duration'"]),
    ({"fn": {"handler": "ok.py:handler", "memory": 64}}, ["'memory'"]),
    ({"fn": "ok.py:handler", ARN + "fn": "ok.py:handler"}, ["a second time"]),
])
def test_a_bad_spec_is_an_input_error_naming_the_function_and_the_problem(tmp_path, spec, words):
    write(tmp_path, "ok.py", "VALUE = 1\ndef handler(event, context):\n    return 1\n")
    write(tmp_path, "broken.py", "def handler(event, context)\n    return 1\n")
    with pytest.raises(aslsim.InputError) as raised:
        LocalLambdas(spec, base_dir=tmp_path)
    for word in words:
        assert word in str(raised.value)


def test_a_bad_spec_fails_the_run_call_before_anything_runs():
    with pytest.raises(aslsim.InputError):
        machine({"T": arn_task()}).run({}, lambdas={"fn": "does/not/exist.py:handler"})


# --- with other answerers ---------------------------------------------------------------------

def test_mocks_win_over_local_handlers_for_the_same_state():
    called = []
    states = {"A": {"Type": "Task", "Resource": ARN + "fn", "ResultPath": "$.a", "Next": "B"},
              "B": {"Type": "Task", "Resource": ARN + "fn", "ResultPath": "$.b", "End": True}}
    ex = machine(states).run({}, mocks={"A": {"return": "mocked"}},
                             lambdas={"fn": lambda e, c: called.append(1) or "local"})
    assert ex.output == {"a": "mocked", "b": "local"}
    assert called == [1]
    assert [c["state"] for c in ex.calls] == ["A", "B"]


def test_functions_never_invoked_are_reported_unused():
    ex = machine({"T": arn_task()}).run({}, lambdas={"fn": lambda e, c: 1, "other": lambda e, c: 2})
    assert ex.unused_mocks == ["other"]


def test_a_function_without_a_handler_fails_naming_the_handlers_registered():
    ex = machine({"T": arn_task("unknown")}).run({}, lambdas={"fn": lambda e, c: 1})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert "local Lambda handlers for 'fn'" in ex.cause


def test_other_services_are_not_answered():
    states = {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": True}}
    ex = machine(states).run({}, lambdas={"fn": lambda e, c: 1})
    assert ex.error == "States.Runtime"


def test_wait_for_task_token_invokes_the_handler_then_waits_for_the_callback():
    tokens = []
    task = invoke_task("fn", Resource=INVOKE + ".waitForTaskToken",
                       Parameters={"FunctionName": "fn", "Payload": {"token.$": "$$.Task.Token"}})
    ex = machine({"T": task}).run(
        {}, lambdas={"fn": lambda e, c: tokens.append(e["token"])},
        callbacks={"T": aslsim.TaskSuccess({"approved": True}, after=30)})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"approved": True}
    assert len(tokens) == 1 and tokens[0]
    assert ex.stop_ms - ex.start_ms == 30000
