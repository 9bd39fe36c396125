"""``aws="moto"``: Tasks answered by moto's in-memory AWS, which the test reads back with boto3.

    with mock_aws():                                   # the test's own moto state
        boto3.client("dynamodb").create_table(...)
        run = machine.run(input, aws="moto")           # putItem lands in that table
        boto3.client("dynamodb").get_item(...)         # ... and the test sees it

Every call goes through botocore to moto, so moto's validation and errors apply; the answer is
then shaped as Step Functions returns it (``shapes.py``): PascalCase members, blobs as text,
``SdkHttpMetadata`` for the optimised DynamoDB/SNS/SQS/Step Functions/Lambda integrations, errors
named and worded by ``api_models``. Beyond the generic path, a few integrations do what Step
Functions adds to the bare API call: ``sns:publish`` (its XML response's length),
``events:putEvents`` (a failed entry fails the Task; AWS refuses a Detail that is not a JSON
object, which moto accepts), ``glue:startJobRun`` (JobName added) and ``lambda:invoke`` (Payload
parsed; moto runs the function in Docker). Timestamps in results are moto's wall-clock times, not
the run's virtual time.

Where moto's state lives: if a moto mock is active when the run starts (the test's
``mock_aws()``), it is used as is and left alone. Otherwise the session starts its own
``mock_aws()`` for the whole run (a fresh, empty AWS; child executions share it) and stops it
at the end of the run (``close()``, which machine.run calls however the run ends), which drops the
data and restores the environment. Either way, a call
that moto does not intercept is refused before it leaves the process (``_refuse_real_aws``).

Virtual time: request-response and ``.waitForTaskToken`` submissions take none. A ``.sync`` job
(Glue startJobRun, CodeBuild startBuild) takes ``POLL_MS`` per poll of its status: one poll with
moto's default immediate transitions, more when the test slows moto down with
``moto.moto_api.state_manager.set_transition("glue::job_run", {"progression": "manual",
"times": n})``.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid
import weakref
from typing import Any, Callable

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from moto import mock_aws
from moto.core.config import passthrough_service, passthrough_url
from moto.core.models import botocore_stubber

from ..arns import ACCOUNT, DEFAULT_REGION
from ..query.jsonpath import dumps
from . import api_models, shapes
from .calls import Answer, MockMissing, TaskCall

REGION = DEFAULT_REGION         # moto's default, and the engine's unless told another

POLL_MS = 10_000                # virtual time per status poll of a .sync job
MAX_POLLS = 1_000               # then the job counts as never finishing
DEFAULT_TIMEOUT_S = 99_999_999  # a Task's TimeoutSeconds when the state sets none

# Optimised integrations answered through AWS's older SDK carry SdkHttpMetadata (recorded).
_METADATA_STYLE = {"dynamodb": "dynamodb", "sqs": "json", "stepfunctions": "json", "sns": "xml"}
# Job statuses that mean "still running" (Glue JobRunState, CodeBuild BuildStatus)
_RUNNING = {"STARTING", "RUNNING", "STOPPING", "WAITING", "IN_PROGRESS"}
# Validation errors are worded per protocol family: SQS and SNS keep the Query API's words.
_MISSING_PARAMETER_STYLE = {"sqs", "sns"}
_NO_REQUEST_ID = {"glue"}


class MotoAWS:
    """The answerer ``machine.run(..., aws="moto")`` adds: one session per execution."""

    def session(self) -> "MotoSession":
        return MotoSession()


class MotoSession:
    """One execution's use of moto, active from its first state on: a local Lambda handler that
    runs before any moto-answered Task calls the same moto with boto3. ``close()`` ends it."""

    def __init__(self):
        self.calls = 0
        self._scope: _OwnedMock | None = own_moto_unless_active()

    def answer(self, call: TaskCall) -> Answer | None:
        if call.resource.kind != "integration":
            return None     # a Lambda function ARN or an activity: not an API call moto can take
        operation = api_models.operation_for(call.resource)
        if operation is None:
            return None
        self.calls += 1
        request_id = _uuid(call.execution_arn, call.state, str(call.attempt), str(self.calls))
        return _Call(call, operation, request_id).answer()

    def describe(self) -> str:
        return (f"moto's in-memory AWS ({REGION}, account {ACCOUNT}) for the aws-sdk and optimised "
                "integrations of the services moto implements")

    def close(self) -> None:
        if self._scope is not None:
            self._scope.close()
            self._scope = None

    def __enter__(self) -> "MotoSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def own_moto_unless_active() -> "_OwnedMock | None":
    """A ``mock_aws()`` of the caller's own when none is active (the caller closes it), else None:
    nothing aslsim sends to AWS may ever leave moto."""
    return None if botocore_stubber.enabled else _OwnedMock()


class _OwnedMock:
    """A ``mock_aws()`` this session started because none was active, with dummy credentials and
    region set only where absent; ``close()`` (or, failing that, garbage collection) undoes it."""

    _DUMMY = {"AWS_DEFAULT_REGION": REGION}

    def __init__(self):
        self.saved = {k: os.environ.get(k) for k in self._DUMMY}
        for key, value in self._DUMMY.items():
            os.environ.setdefault(key, value)
        mock = mock_aws()       # also sets dummy credentials, and restores them on stop
        mock.start()            # the outermost start resets moto: a fresh, empty AWS
        self._finalizer = weakref.finalize(self, _stop, mock, self.saved)

    def close(self) -> None:
        self._finalizer()


def _stop(mock, saved: dict) -> None:
    mock.stop()                 # the outermost stop drops moto's data
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class _Call:
    """One Task call sent to moto and its answer, shaped as Step Functions returns it."""

    def __init__(self, call: TaskCall, operation, request_id: str):
        self.call = call
        self.op = operation
        self.request_id = request_id
        self.client = _client(operation.client, call.region, call.account)
        self.parameters = call.parameters if isinstance(call.parameters, dict) else {}

    def answer(self) -> Answer:
        call = self.call
        key = (call.resource.resource_type, call.resource.action)
        try:
            if call.pattern in (".sync", ".sync:2"):
                if self.op.sdk or key not in _SYNC:
                    raise MockMissing(f"moto cannot run {call.resource.arn}: aslsim waits for "
                                      "glue:startJobRun and codebuild:startBuild jobs only")
                return _SYNC[key](self)
            handler = _request_response if self.op.sdk else _OPTIMISED.get(key, _request_response)
            answer = handler(self)
        except _Failed as failed:
            return failed.answer
        if call.pattern == ".waitForTaskToken" and not answer.failed:
            # the message carrying the token is really sent; the test's callback ends the wait
            return Answer(submitted=answer.result, has_submitted=True, awaits_callback=True,
                          source="moto")
        return answer

    def send(self, operation: str, parameters: dict) -> tuple[dict, dict]:
        """Call ``operation`` in moto: (botocore's response, the Step Functions result).
        Raises _Failed with the Task's error when the call fails."""
        model = self.client.meta.service_model.operation_model(operation)
        try:
            kwargs = shapes.to_request(parameters, model.input_shape)
            method = getattr(self.client, xform_name(operation))
            response = method(**kwargs)
        except shapes.MissingParameter as missing:
            raise _Failed(self._missing(missing)) from None
        except ParamValidationError as err:
            raise _Failed(self.failure("ValidationException", _one_line(err), 400)) from None
        except ClientError as err:
            raise _Failed(self._client_error(err)) from None
        except NotImplementedError as err:
            raise MockMissing(f"moto does not implement {self.op.client} {operation} ({err}); "
                              f"use a mock for the Task state '{self.call.state}'") from None
        result = shapes.from_response(response, model.output_shape, sdk=self.op.sdk)
        result = shapes.as_aws(self.op.client, operation, kwargs, result, model.output_shape)
        return response, result

    def _client_error(self, err: ClientError) -> Answer:
        error = err.response.get("Error", {})
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        code = error.get("QueryErrorCode") or error.get("Code", "")
        if status == 404 and error.get("Message") == "Not yet implemented":
            raise MockMissing(f"moto does not implement the {self.op.client} service; use a mock "
                              f"for the Task state '{self.call.state}'")
        return self.failure(code, error.get("Message", ""), status)

    def _missing(self, missing: shapes.MissingParameter) -> Answer:
        if self.op.client in _MISSING_PARAMETER_STYLE:
            return self.failure("MissingParameter",
                                f"The request must contain the parameter {missing.name}.", 400)
        message = (f"1 validation error detected: Value null at '{missing.path}' failed to "
                   "satisfy constraint: Member must not be null")
        return self.failure("ValidationException", message, 400)

    def failure(self, code: str, message: str, status: int) -> Answer:
        op = self.op
        # Observed on AWS: Glue's aws-sdk errors name no request ("Request ID: null")
        request_id = None if op.sdk and op.client in _NO_REQUEST_ID else self.request_id
        extended = _uuid(self.request_id, "extended") if op.sdk and op.client == "s3" else None
        cause = api_models.error_cause(message, op.service_label, status, request_id,
                                       error_code=None if op.sdk else code,
                                       extended_request_id=extended)
        return Answer(error=api_models.error_name(op, code), cause=cause, failed=True,
                      source="moto")

    def with_metadata(self, result: dict, body: bytes | None = None) -> dict:
        """The optimised result with the SdkHttpMetadata its service's SDK adds (if it does)."""
        style = _METADATA_STYLE.get(self.op.client)
        if self.op.sdk or style is None:
            return result
        body = shapes.json_body(result) if body is None else body
        return {**result, **shapes.http_metadata(style, body, self.request_id, self.call.time_ms)}


class _Failed(Exception):
    def __init__(self, answer: Answer):
        self.answer = answer


# ---------------------------------------------------------------- request-response

def _request_response(c: _Call) -> Answer:
    _, result = c.send(c.op.name, c.parameters)
    return Answer(result=c.with_metadata(result), source="moto")


def _sns_publish(c: _Call) -> Answer:
    _, result = c.send("Publish", c.parameters)
    body = shapes.sns_publish_body(result.get("MessageId", ""), c.request_id,
                                   result.get("SequenceNumber"))
    return Answer(result=c.with_metadata(result, body), source="moto")


def _put_events(c: _Call) -> Answer:
    """EventBridge answers per entry; Step Functions fails the Task when any entry failed
    (recorded: ``EventBridge.FailedEntry``, the whole response as cause). AWS refuses a Detail
    that is not a JSON object, which moto accepts: those entries fail here as they do on AWS."""
    entries = c.parameters.get("Entries")
    entries = entries if isinstance(entries, list) else []
    malformed = [not _is_json_object(e.get("Detail")) if isinstance(e, dict) else False
                 for e in entries]
    sent = [e for e, bad in zip(entries, malformed) if not bad]
    answered = iter(c.send("PutEvents", {**c.parameters, "Entries": sent})[1]["Entries"]
                    if sent else [])
    out = [{"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."} if bad
           else next(answered, {}) for bad in malformed]
    result = {"Entries": out, "FailedEntryCount": sum(1 for e in out if "ErrorCode" in e)}
    if result["FailedEntryCount"]:
        return Answer(error="EventBridge.FailedEntry", cause=dumps(result), failed=True,
                      source="moto")
    return Answer(result=result, source="moto")


def _is_json_object(detail: Any) -> bool:
    if isinstance(detail, dict) or detail is None:
        return True     # an object is sent as its JSON text; no Detail is EventBridge's own check
    try:
        return isinstance(json.loads(detail), dict) if isinstance(detail, str) else False
    except ValueError:
        return False


def _glue_start_job_run(c: _Call) -> Answer:
    # The optimised integration adds the JobName of the request to StartJobRun's {"JobRunId"}
    # (DG connect-glue: "The JobName field is extracted from the request and inserted").
    _, result = c.send("StartJobRun", c.parameters)
    return Answer(result={"JobName": c.parameters.get("JobName"), **result}, source="moto")


def _lambda_invoke(c: _Call) -> Answer:
    """lambda:invoke of a function created in moto (moto runs its code in Docker). The Payload
    comes back parsed; a function error fails the Task with its errorType and document."""
    response, result = c.send("Invoke", c.parameters)
    text = result.get("Payload", "")
    if response.get("FunctionError"):
        try:
            error = json.loads(text).get("errorType", "Lambda.Unknown")
        except (ValueError, AttributeError):
            error = "Lambda.Unknown"
        return Answer(error=error, cause=text, failed=True, source="moto")
    try:
        payload = json.loads(text) if text else None
    except ValueError:
        payload = text
    result = {"ExecutedVersion": result.get("ExecutedVersion", "$LATEST"), "Payload": payload,
              "StatusCode": result.get("StatusCode", 200)}
    headers = {"Content-Length": str(len(text.encode("utf-8"))),
               "Content-Type": "application/json",
               "X-Amz-Executed-Version": result["ExecutedVersion"],
               "x-amzn-RequestId": c.request_id}
    metadata = {"SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()},
                                    "HttpHeaders": headers, "HttpStatusCode": 200},
                "SdkResponseMetadata": {"RequestId": c.request_id}}
    return Answer(result={**result, **metadata}, source="moto")


_OPTIMISED: dict[tuple[str, str], Callable[[_Call], Answer]] = {
    ("sns", "publish"): _sns_publish,
    ("events", "putEvents"): _put_events,
    ("glue", "startJobRun"): _glue_start_job_run,
    ("lambda", "invoke"): _lambda_invoke,
}


# ---------------------------------------------------------------- .sync: start, then poll moto

def _glue_job_sync(c: _Call) -> Answer:
    """glue:startJobRun.sync: the GetJobRun ``JobRun`` once the run ends; a run that does not
    succeed fails the Task with States.TaskFailed and that JobRun as JSON cause (CHECKLIST §14)."""
    started = _glue_start_job_run(c).result
    query = {"JobName": started["JobName"], "RunId": started["JobRunId"]}
    return _poll(c, started, lambda: c.send("GetJobRun", query)[1]["JobRun"],
                 lambda run: run.get("JobRunState"), lambda run: run)


def _codebuild_sync(c: _Call) -> Answer:
    """codebuild:startBuild.sync: ``{"Build": ...}`` as BatchGetBuilds describes the build once it
    ends; a build that does not succeed fails the Task with States.TaskFailed and that JSON."""
    _, started = c.send("StartBuild", c.parameters)
    ids = {"Ids": [started["Build"]["Id"]]}
    return _poll(c, started, lambda: c.send("BatchGetBuilds", ids)[1]["Builds"][0],
                 lambda build: build.get("BuildStatus"), lambda build: {"Build": build})


def _poll(c: _Call, started: dict, describe, status_of, result_of) -> Answer:
    """Describe the job until its status is no longer a running one; only SUCCEEDED succeeds."""
    for polls in range(1, MAX_POLLS + 1):
        try:
            job = describe()
        except _Failed as failed:
            return _submitted(failed.answer, started, polls * POLL_MS)
        status = status_of(job)
        if status in _RUNNING:
            continue
        if status == "SUCCEEDED":
            answer = Answer(result=result_of(job))
        else:
            answer = Answer(error="States.TaskFailed", cause=dumps(result_of(job)), failed=True)
        return _submitted(answer, started, polls * POLL_MS)
    # still running: the Task waits until its TimeoutSeconds, as a job that never ends would
    timeout_s = c.call.timeout_s if c.call.timeout_s is not None else DEFAULT_TIMEOUT_S
    return _submitted(Answer(error="States.Timeout", cause="", failed=True), started,
                      timeout_s * 1000)


def _submitted(answer: Answer, started: dict, duration_ms: int) -> Answer:
    return Answer(result=answer.result, error=answer.error, cause=answer.cause,
                  failed=answer.failed, duration_ms=duration_ms, submitted=started,
                  has_submitted=True, source="moto")


_SYNC: dict[tuple[str, str], Callable[[_Call], Answer]] = {
    ("glue", "startJobRun"): _glue_job_sync,
    ("codebuild", "startBuild"): _codebuild_sync,
}


# ---------------------------------------------------------------- clients

_clients: dict[str, Any] = {}


def _client(name: str, region: str = REGION, account: str = ACCOUNT):
    """A botocore client for ``name`` in ``region`` and ``account`` with dummy credentials, made
    once per process (moto's stubber is called on each request, so one client serves every mock)."""
    client = _clients.get((name, region, account))
    if client is None:
        session = boto3.session.Session(aws_access_key_id="testing",
                                        aws_secret_access_key="testing", region_name=region)
        # no retries: moto answers at once, and a retried 5xx would only repeat moto's error
        client = session.client(name, config=Config(retries={"total_max_attempts": 1}))
        client.meta.events.register("before-send", functools.partial(_refuse_real_aws, name))
        if account != ACCOUNT:
            on_account(client, account)
        _clients[(name, region, account)] = client
    return client


def on_account(client, account: str) -> None:
    """Send ``client``'s requests to moto's ``account`` (moto reads the x-moto-account-id header)."""
    def add_header(request, **_):
        request.headers["x-moto-account-id"] = account
    client.meta.events.register("before-sign", add_header)


class RealAWSRefused(RuntimeError):
    """A request moto would not intercept: aslsim never lets it go to real AWS."""


def _refuse_real_aws(service: str, request, **_) -> None:
    # botocore calls every before-send handler; moto's stubber answers when it is enabled and
    # the test configured no passthrough for this request. Anything else would leave the process.
    url = request.url.split("?", 1)[0]
    if botocore_stubber.enabled and not passthrough_url(url) and not passthrough_service(service):
        return
    raise RealAWSRefused(f"aslsim refused to send {request.method} {url} to real AWS: no moto "
                         "mock is active to answer it")


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _uuid(*parts: str) -> str:
    """A request id that is the same on every run of the same execution."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))
