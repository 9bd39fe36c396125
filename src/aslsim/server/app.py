"""The HTTP side: a WSGI application speaking AWS JSON 1.0, and a Server that runs it.

HTTP itself is Werkzeug's (the Pallets project's WSGI toolkit, which moto's server mode is built
on too): request parsing, a threaded server with one thread per connection, and a clean
``shutdown()``. Only the Step Functions protocol is written here.
"""
from __future__ import annotations

import contextvars
import json
import re
import sys
import threading
import traceback
import uuid

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from . import (activities, definitions, executions, machines, map_runs, tags, testing_state,  # noqa: F401
               versions, workers)  # each registers its operations
from .backend import Backend, ServerConfig
from .protocol import (SERVICE_FRAMEWORK, TARGET_PREFIX, ApiError, check_request, operation_names,
                       render_response)
from .registry import OPERATIONS, Call

CONTENT_TYPE = "application/x-amz-json-1.0"
ADVANCE_PATH = "/_aslsim/advance"
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/")


class Application:
    """The WSGI application: one POST per operation, ``X-Amz-Target: AWSStepFunctions.<Op>``."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.operations = set(operation_names())

    def __call__(self, environ, start_response):
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        if request.method == "GET" and request.path == "/":
            return self._json(200, {"service": "aslsim", "api": "AWS Step Functions",
                                    "region": self.backend.config.region}, request_id)
        if request.path == ADVANCE_PATH:
            return self._advance(request, request_id)
        try:
            operation = self._operation(request)
            params = check_request(operation, self._body(request))
            call = Call(self.backend, self._region(request), request.headers)
            try:
                result = OPERATIONS[operation](call, params)
            finally:
                self.backend.run_ended()       # parents waiting on executions this request ended
            return self._json(200, render_response(operation, result), request_id)
        except ApiError as err:
            response = self._json(err.status, err.body(), request_id)
            response.headers["x-amzn-ErrorType"] = err.code
            return response
        except Exception as err:   # a bug in aslsim: say so, as a service error, and go on serving
            traceback.print_exc(file=sys.stderr)
            body = {"__type": f"{SERVICE_FRAMEWORK}#InternalFailure",
                    "message": f"aslsim internal error: {type(err).__name__}: {err}"}
            return self._json(500, body, request_id)

    def _advance(self, request: Request, request_id: str) -> Response:
        """aslsim's own (not AWS's): move the virtual clock of every waiting execution, so that
        TimeoutSeconds and HeartbeatSeconds fire without waiting for real."""
        try:
            seconds = json.loads(request.get_data() or b"{}").get("seconds")
        except (ValueError, AttributeError):
            seconds = None
        if request.method != "POST" or isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or seconds < 0:
            return self._json(400, {"message": 'POST {"seconds": N} with N >= 0'}, request_id)
        return self._json(200, {"executions": self.backend.advance(seconds)}, request_id)

    def _operation(self, request: Request) -> str:
        if request.method != "POST":
            raise ApiError("UnknownOperationException", "Step Functions operations are POST requests",
                           namespace=SERVICE_FRAMEWORK, status=404)
        target = request.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        if operation not in self.operations or operation not in OPERATIONS:
            raise ApiError("UnknownOperationException",
                           f"Unknown operation: X-Amz-Target '{target}'" if target else
                           "Missing the X-Amz-Target header (AWSStepFunctions.<Operation>)",
                           namespace=SERVICE_FRAMEWORK)
        return operation

    @staticmethod
    def _body(request: Request):
        data = request.get_data()
        if not data.strip():
            return {}
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise ApiError("SerializationException", "The request body is not valid JSON.",
                           namespace=SERVICE_FRAMEWORK) from None

    def _region(self, request: Request) -> str:
        """The region the client signed for (its SigV4 credential scope), else the server's."""
        m = _CREDENTIAL.search(request.headers.get("Authorization", ""))
        return m.group(1) if m else self.backend.config.region

    @staticmethod
    def _json(status: int, body: dict, request_id: str) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE,
                        headers={"x-amzn-RequestId": request_id})


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive: SDK clients reuse their connections
    disable_nagle_algorithm = True     # small answers go out at once, not after a delayed ACK


class _QuietHandler(_Handler):
    def log_request(self, code="-", size="-"):
        pass


class _InContext:
    """A WSGI app called in (a copy of) a given ``contextvars`` context: request threads start empty."""

    def __init__(self, app, context: contextvars.Context):
        self.app, self.context = app, context

    def __call__(self, environ, start_response):
        return self.context.copy().run(self.app, environ, start_response)


class Server:
    """The Step Functions API on ``host:port`` (port 0: a free one), served from a thread.

    ``with Server() as server: boto3.client("stepfunctions", endpoint_url=server.endpoint)``
    """

    def __init__(self, config: ServerConfig | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 log_requests: bool = False, **options):
        self.backend = Backend(config or ServerConfig(**options))
        self.app = Application(self.backend)
        handler = _Handler if log_requests else _QuietHandler
        # requests run in the context the server was made in, so its observers see the executions
        self._http = make_server(host, port, _InContext(self.app, contextvars.copy_context()),
                                 threaded=True, request_handler=handler)
        self._http.daemon_threads = True
        self.host, self.port = host, self._http.server_port
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "Server":
        # a short poll: stop() returns within 50 ms instead of socketserver's 500
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="aslsim-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` (from another thread) or Ctrl-C."""
        try:
            self._http.serve_forever()
        finally:
            self._close()

    def stop(self) -> None:
        self._http.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
            self._close()

    def _close(self) -> None:
        self.backend.close()
        self._http.server_close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
