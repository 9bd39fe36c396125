"""Lambda Tasks answered by local Python handlers, called as Lambda's Python runtime calls them.

The spec maps a function name (or function ARN) to a handler::

    LocalLambdas({
        "checkSize": "handlers/check_size.py:handler",          # a file, relative to base_dir
        "arn:aws:lambda:us-east-1:123456789012:function:processFile": "mypkg.process:main",
        "other": some_callable,                                  # handler(event, context)
        "withenv": {"handler": "path.py:fn", "environment": {"BUCKET": "b"},
                    "duration": 2.5, "timeout": 3, "memory": 128},
    }, base_dir="statemachines")

It answers both a plain function ARN Resource (the result is the handler's bare return value)
and ``arn:aws:states:::lambda:invoke`` (the event is the ``Payload`` parameter and the result the
Invoke response, shaped as recorded on AWS). ``duration`` is the virtual time the handler takes;
``timeout`` (default 3 s) and ``memory`` (default 128 MB) are the function's configuration, with
AWS's defaults.

What AWS does, and where we know it from:

- A handler exception fails the Task with the exception's class name as error and the Python
  runtime's error document as cause: ``{"errorMessage", "errorType", "requestId",
  "stackTrace"}`` (recorded: conformance cases ``test_task_service_lambda.py::*`` and
  ``test_task_lambda.py::*``; the runtime builds it in awslambdaric ``bootstrap.make_error``).
  Through ``lambda:invoke`` the cause is compact JSON; through a plain function ARN it keeps the
  runtime's ``", "`` / ``": "`` separators (both recorded in the expected outputs of those cases).
  ``States.TaskFailed`` and ``States.ALL`` catch it (recorded, ``test_raise_exception_catch``).
- A return value ``json`` cannot encode is ``Runtime.MarshalError`` "Unable to marshal response:
  ..." with an empty stack trace (awslambdaric ``lambda_runtime_marshaller``).
- A handler that outlives the function's own timeout is ended by Lambda with errorType
  ``Sandbox.Timedout``, "RequestId: <id> Error: Task timed out after 3.00 seconds" (Lambda's
  current platform error; older runtimes gave no errorType and Step Functions reported
  ``Lambda.Unknown``). One that outlives the Task's ``TimeoutSeconds`` is ``States.Timeout``,
  decided by the engine from the answer's duration.
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import sys
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from .calls import Answer, ServiceError, TaskCall, lambda_function_name
from .lambda_sandbox import Sandbox, environment

__all__ = ["LocalLambdas", "LambdaContext"]

DEFAULT_TIMEOUT_S = 3      # what Lambda gives a function created without a Timeout
DEFAULT_MEMORY_MB = 128
MAX_TIMEOUT_S = 900
_SETTINGS = {"handler", "environment", "duration", "timeout", "memory"}
# Lambda gives a function its execution role's credentials, never the caller's: a handler gets
# these stand-ins (moto takes any), so that its boto3 can never use the shell's real keys.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "ASIAASLSIMLOCALFAKE1", "AWS_SECRET_ACCESS_KEY": "aslsim-local-fake",
                    "AWS_SESSION_TOKEN": "aslsim-local-fake-session"}
# Set in a shell, these would point boto3 at a profile (and its keys) Lambda never has.
_NOT_IN_LAMBDA = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class LambdaContext:
    """The ``context`` argument, with the attributes of Lambda's Python runtime ``LambdaContext``.

    ``memory_limit_in_mb`` is a string, as the runtime reads it from its environment.
    """

    def __init__(self, *, function_name: str, invoked_function_arn: str, memory_mb: int,
                 aws_request_id: str, log_stream_name: str, remaining_ms: int):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = str(memory_mb)
        self.aws_request_id = aws_request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name
        self.identity = None
        self.client_context = None
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        # virtual time: what is left of the timeout once the declared duration has passed
        return self._remaining_ms

    def __repr__(self) -> str:
        return f"<LambdaContext {self.function_name} {self.aws_request_id}>"


@dataclass
class _Function:
    """One configured local function: its handler, loaded once, and its configuration."""
    name: str
    handler: Callable
    handler_name: str                      # as written in the spec, for _HANDLER and messages
    task_root: str
    environment: dict = field(default_factory=dict)
    duration_ms: int = 0
    timeout_ms: int = DEFAULT_TIMEOUT_S * 1000
    memory_mb: int = DEFAULT_MEMORY_MB
    wants_context: bool = True
    sandbox: Sandbox | None = None


class LocalLambdas:
    """Local Python handlers by Lambda function name or ARN. Reusable across runs: handlers are
    loaded once, when it is built; each execution asks for a fresh ``session()``."""

    def __init__(self, spec: dict, *, base_dir: str | os.PathLike | None = None):
        if not isinstance(spec, dict):
            raise InputError("lambdas must be an object mapping Lambda function names or ARNs to "
                             "handlers ('file.py:function', 'module:function', a callable, or "
                             "an object with 'handler')")
        self.base_dir = Path(base_dir if base_dir is not None else os.getcwd()).resolve()
        self._modules: dict[str, Path] = {}     # the handler files loaded, by private name
        self.functions: dict[str, _Function] = {}
        for key, value in spec.items():
            if not isinstance(key, str) or not key:
                raise InputError(f"lambdas: {key!r} is not a Lambda function name or ARN")
            name = lambda_function_name(key)
            if name in self.functions:
                raise InputError(f"lambdas: '{key}' names the function '{name}' a second time")
            self.functions[name] = self._configure(name, key, value)

    def session(self) -> "LambdaSession":
        return LambdaSession(self)

    # -- reading the spec --------------------------------------------------------------------

    def _configure(self, name: str, key: str, value: Any) -> _Function:
        where = f"lambda '{key}'"
        settings = value if isinstance(value, dict) else {"handler": value}
        unknown = set(settings) - _SETTINGS
        if unknown or "handler" not in settings:
            raise InputError(f"{where}: expected 'handler' and optionally 'environment', "
                             f"'duration', 'timeout', 'memory'; got keys {sorted(settings)}")
        environment_given = settings.get("environment", {})
        if not isinstance(environment_given, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in environment_given.items()):
            raise InputError(f"{where}: 'environment' must map variable names to strings, as "
                             "Lambda's environment variables are strings")
        # the handler's module runs its top level (Lambda's init) in the function's environment
        with environment({**_init_variables(name), **environment_given}, remove=_NOT_IN_LAMBDA):
            handler, handler_name, task_root, sandbox = self._handler(settings["handler"], where)
        timeout = _number(settings, "timeout", where, DEFAULT_TIMEOUT_S)
        if not 1 <= timeout <= MAX_TIMEOUT_S:
            raise InputError(f"{where}: 'timeout' must be between 1 and {MAX_TIMEOUT_S} seconds, "
                             "as Lambda allows")
        memory = settings.get("memory", DEFAULT_MEMORY_MB)
        if isinstance(memory, bool) or not isinstance(memory, int) or not 128 <= memory <= 10240:
            raise InputError(f"{where}: 'memory' must be an integer number of MB from 128 to 10240")
        return _Function(name=name, handler=handler, handler_name=handler_name, task_root=task_root,
                         environment=dict(environment_given),
                         duration_ms=_ms(_number(settings, "duration", where, 0)),
                         timeout_ms=_ms(timeout), memory_mb=memory, sandbox=sandbox,
                         # Lambda calls handler code with (event, context); a Python callable
                         # given directly may take the event alone
                         wants_context=sandbox is not None or _takes_two(handler))

    def _handler(self, spec: Any, where: str) -> tuple[Callable, str, str, Sandbox | None]:
        if callable(spec):
            return spec, getattr(spec, "__qualname__", repr(spec)), str(self.base_dir), None
        if not isinstance(spec, str) or ":" not in spec:
            raise InputError(f"{where}: the handler must be 'path/to/file.py:function', "
                             f"'package.module:function' or a callable, not {spec!r}")
        target, attribute = spec.rsplit(":", 1)
        if target.endswith(".py") or "/" in target or os.sep in target:
            path = (self.base_dir / target).resolve()
            sandbox = Sandbox(path.parent)
            with sandbox:
                module = self._load_file(path, where)
        else:
            sandbox = Sandbox(self.base_dir)
            with sandbox:
                module = self._import(target, where)
        if not hasattr(module, attribute):
            raise InputError(f"{where}: '{target}' has no attribute '{attribute}'")
        handler = getattr(module, attribute)
        if not callable(handler):
            raise InputError(f"{where}: '{target}:{attribute}' is not callable "
                             f"(it is a {type(handler).__name__})")
        return handler, spec, str(sandbox.task_root), sandbox

    def _load_file(self, path: Path, where: str):
        if not path.is_file():
            raise InputError(f"{where}: no handler file {path}")
        # A private module name per file (and per function: each has its own copy, as two Lambda
        # functions built from one file do); registering it keeps dataclasses and pickling working.
        digest = hashlib.sha1(f"{path}|{len(self._modules)}".encode("utf-8")).hexdigest()[:12]
        module_name = f"_aslsim_lambda_{digest}_{_identifier(path.stem)}"
        self._modules[module_name] = path
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        try:
            loader_spec.loader.exec_module(module)
        except BaseException as err:      # SystemExit at import time too: a clear refusal
            del sys.modules[module_name]
            raise InputError(f"{where}: loading {path} failed: "
                             f"{type(err).__name__}: {err}") from None
        return module

    def _import(self, module_name: str, where: str):
        try:
            return importlib.import_module(module_name)
        except BaseException as err:
            raise InputError(f"{where}: cannot import module '{module_name}': "
                             f"{type(err).__name__}: {err}") from None


class LambdaSession:
    """One execution's use of the local functions: counts the invocations of each."""

    def __init__(self, lambdas: LocalLambdas):
        self._lambdas = lambdas
        self.counts: dict[str, int] = {}

    def answer(self, call: TaskCall) -> Answer | None:
        resource = call.resource
        plain = resource.kind == "lambda-function"
        invoke = (resource.kind == "integration" and resource.resource_type == "lambda"
                  and resource.action == "invoke" and resource.pattern in ("", ".waitForTaskToken"))
        if not (plain or invoke):
            return None
        function = self._lambdas.functions.get(call.function_name or "")
        if function is None:
            return None
        n = self.counts.get(function.name, 0)
        self.counts[function.name] = n + 1
        return _Invocation(function, call, n).run()

    def describe(self) -> str:
        names = sorted(self._lambdas.functions)
        return "local Lambda handlers for " + ", ".join(f"'{n}'" for n in names) if names else ""

    def unused(self) -> list[str]:
        return [name for name in self._lambdas.functions if name not in self.counts]


class _Invocation:
    """One call of a handler: its event, context, environment, and the answer AWS would give."""

    def __init__(self, function: _Function, call: TaskCall, n: int):
        self.function = function
        self.call = call
        self.integration = call.resource.kind == "integration"
        region, account = _region_account(call)
        self.region = region
        self.arn = self._invoked_arn(region, account)
        self.request_id = _uuid(call.execution_arn, call.state, str(call.attempt), function.name,
                                str(n))
        day = datetime.fromtimestamp(call.time_ms / 1000, timezone.utc)
        self.log_stream = (f"{day:%Y/%m/%d}/[$LATEST]"
                           f"{_uuid(call.execution_arn, function.name, 'stream').replace('-', '')}")

    def _invoked_arn(self, region: str, account: str) -> str:
        if not self.integration:
            return self.call.resource.arn
        given = self.call.parameters.get("FunctionName", "")   # a str: function_name matched it
        if given.startswith("arn:"):
            return given
        # "fn", "fn:alias", "123456789012:function:fn[:alias]": keep the qualifier, as Lambda does
        qualifier = given.split(":function:", 1)[-1].partition(":")[2]
        arn = f"arn:aws:lambda:{region}:{account}:function:{self.function.name}"
        return f"{arn}:{qualifier}" if qualifier else arn

    def event(self) -> Any:
        parameters = self.call.parameters
        if self.integration:
            parameters = parameters.get("Payload", {}) if isinstance(parameters, dict) else {}
        # the handler gets its own copy, as a real function gets the event as JSON
        return copy.deepcopy(parameters)

    def run(self) -> Answer:
        function = self.function
        if function.duration_ms > function.timeout_ms:
            # Lambda stops the function at its timeout: the handler never returns, so it is not
            # called (when only the Task's TimeoutSeconds is shorter, the function does finish on
            # AWS, in the background, and the handler runs below)
            message = (f"RequestId: {self.request_id} Error: Task timed out after "
                       f"{function.timeout_ms / 1000:.2f} seconds")
            return self._failure({"errorMessage": message, "errorType": "Sandbox.Timedout"},
                                 function.timeout_ms)
        context = LambdaContext(function_name=function.name, invoked_function_arn=self.arn,
                                memory_mb=function.memory_mb, aws_request_id=self.request_id,
                                log_stream_name=self.log_stream,
                                remaining_ms=function.timeout_ms - function.duration_ms)
        event = self.event()
        try:
            arguments = (event, context) if function.wants_context else (event,)
            with environment(self._variables(), remove=_NOT_IN_LAMBDA), \
                    function.sandbox or _NO_SANDBOX:
                result = function.handler(*arguments)
        except ServiceError as err:
            # the handler plays a Lambda service error (Lambda.TooManyRequestsException, ...)
            return Answer(error=err.error, cause=err.cause, failed=True,
                          duration_ms=function.duration_ms, source="lambda")
        except Exception as exc:
            return self._failure(_error_document(exc, self.request_id), function.duration_ms)
        except (SystemExit, KeyboardInterrupt, GeneratorExit) as exc:
            # Lambda's Python runtime catches Exception only: these end its process, and Lambda
            # reports the exit (the function's next call starts a new runtime)
            return self._failure({"errorMessage": f"RequestId: {self.request_id} Error: "
                                                  f"{_exit_reason(exc)}",
                                  "errorType": "Runtime.ExitError"}, function.duration_ms)
        try:
            text = _marshal(result)
        except (TypeError, ValueError) as err:
            return self._failure({"errorMessage": f"Unable to marshal response: {err}",
                                  "errorType": "Runtime.MarshalError",
                                  "requestId": self.request_id, "stackTrace": []},
                                 function.duration_ms)
        payload = json.loads(text)
        if not self.integration:
            return Answer(result=payload, duration_ms=function.duration_ms, source="lambda")
        response = self._invoke_response(payload, len(text.encode("utf-8")))
        if self.call.pattern == ".waitForTaskToken":
            # the function received the token; the test's declared callback ends the wait
            return Answer(submitted=response, has_submitted=True, awaits_callback=True,
                          duration_ms=function.duration_ms, source="lambda")
        return Answer(result=response, duration_ms=function.duration_ms, source="lambda")

    def _failure(self, document: dict, duration_ms: int) -> Answer:
        # recorded: lambda:invoke reports the error document as compact JSON, a plain function
        # ARN as the Python runtime wrote it (json's default ", " and ": " separators)
        if self.integration:
            cause = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        else:
            cause = json.dumps(document)
        return Answer(error=document["errorType"], cause=cause, failed=True,
                      duration_ms=duration_ms, source="lambda")

    def _variables(self) -> dict[str, str]:
        """Lambda's reserved environment variables (stand-in credentials among them), then the
        function's own (which win here, so that a test can point a client at a local endpoint)."""
        function = self.function
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return {
            **FAKE_CREDENTIALS,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{version}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream,
            "LAMBDA_TASK_ROOT": function.task_root,
            "_HANDLER": function.handler_name,
            **function.environment,
        }

    def _invoke_response(self, payload: Any, length: int) -> dict:
        """The Invoke response as the lambda:invoke integration returns it (recorded shape, e.g.
        conformance ``test_lambda_task_service.py::test_invoke``); Content-Length is the size of
        the payload as the Python runtime serialises it."""
        done = datetime.fromtimestamp((self.call.time_ms + self.function.duration_ms) / 1000,
                                      timezone.utc)
        trace = _trace_id(self.call.time_ms, self.request_id)
        headers = {
            "Connection": "keep-alive",
            "Content-Length": str(length),
            "Content-Type": "application/json",
            "Date": format_datetime(done, usegmt=True),
            "X-Amz-Executed-Version": "$LATEST",
            "X-Amzn-Trace-Id": trace,
            "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": self.request_id,
        }
        return {
            "ExecutedVersion": "$LATEST",
            "Payload": payload,
            "SdkHttpMetadata": {
                "AllHttpHeaders": {k: [v] for k, v in headers.items()},
                "HttpHeaders": headers,
                "HttpStatusCode": 200,
            },
            "SdkResponseMetadata": {"RequestId": self.request_id},
            "StatusCode": 200,
        }


def _init_variables(name: str) -> dict[str, str]:
    """What a function's environment holds while its module loads (before any call names a
    region: the default one)."""
    return {**FAKE_CREDENTIALS, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_FUNCTION_NAME": name}


class _NoSandbox:
    """A Python callable given directly: it runs where the test runs."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_SANDBOX = _NoSandbox()


def _exit_reason(exc: BaseException) -> str:
    """How Lambda words a runtime that exited: a status, a signal, or no reason at all."""
    if isinstance(exc, KeyboardInterrupt):
        return "Runtime exited with error: signal: interrupt"   # Python ends itself by SIGINT
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None or code == 0:
            return "Runtime exited without providing a reason"
        status = code & 0xFF if isinstance(code, int) and not isinstance(code, bool) else 1
        if status == 0:
            return "Runtime exited without providing a reason"
        return f"Runtime exited with error: exit status {status}"
    return "Runtime exited with error: exit status 1"      # an uncaught GeneratorExit


def _error_document(exc: Exception, request_id: str) -> dict:
    """The Python runtime's error document for an exception raised by a handler: the frames from
    the handler down, formatted as ``traceback.format_list`` formats (file, line, name, text)."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = os.path.abspath(__file__)
    while frames and os.path.abspath(frames[0].filename) == here:
        frames = frames[1:]   # the runtime drops its own frames (bootstrap.py) the same way
    tuples = [(f.filename, f.lineno, f.name, f.line) for f in frames]
    return {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": request_id,
            "stackTrace": traceback.format_list(tuples)}


def _marshal(result: Any) -> str:
    """The JSON text of a handler's return value, as the Python runtime writes it."""
    if isinstance(result, (bytes, bytearray)):
        # the runtime passes bytes through untouched; Step Functions then reads them as JSON
        text = bytes(result).decode("utf-8")
        json.loads(text)
        return text
    return json.dumps(result)


def _region_account(call: TaskCall) -> tuple[str, str]:
    """The function's region and account: from its ARN when the Task names one, else from the
    execution's ARN."""
    for arn in (call.resource.arn if call.resource.kind == "lambda-function" else None,
                call.parameters.get("FunctionName") if isinstance(call.parameters, dict) else None,
                call.execution_arn):
        if isinstance(arn, str) and arn.startswith("arn:"):
            parts = arn.split(":")
            if len(parts) > 4 and parts[3] and parts[4]:
                return parts[3], parts[4]
    return call.region, call.account


def _uuid(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _trace_id(time_ms: int, request_id: str) -> str:
    digest = hashlib.sha256(request_id.encode("utf-8")).hexdigest()
    return f"Root=1-{time_ms // 1000:08x}-{digest[:24]};Parent={digest[24:40]};Sampled=0"


def _number(settings: dict, key: str, where: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InputError(f"{where}: '{key}' must be a number of seconds >= 0")
    return value


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _takes_two(fn: Callable) -> bool:
    """Whether a handler takes (event, context); a callable of one argument gets the event."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _identifier(text: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in text)
