"""The outside world of the server's executions: activity workers long-polling GetActivityTask,
and SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat by task token (activities and
``.waitForTaskToken`` alike), waking the execution that waits."""
from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque

from ..query.jsonpath import dumps
from ..services.calls import Outside
from .activities import get_activity
from .protocol import ApiError
from .registry import operation

POLL_SECONDS = 60        # how long GetActivityTask holds a poll with nothing to hand out (AWS's)


class Tasks:
    """Every task token the server handed out, and the activity tasks waiting for a worker."""

    def __init__(self):
        self._lock = threading.Condition()
        self._open: dict[str, tuple[Outside, object]] = {}     # token -> (wait, execution record)
        self._spent: set[str] = set()
        self._queues: dict[str, deque] = {}                    # activity ARN -> waits, oldest first
        self._closing = False

    def for_execution(self, backend, record) -> "_ExecutionWorld":
        return _ExecutionWorld(self, backend, record)

    def register(self, outside: Outside, record) -> None:
        with self._lock:
            self._open[outside.token] = (outside, record)
            if outside.kind == "activity":
                self._queues.setdefault(outside.call.resource.arn, deque()).append(outside)
                self._lock.notify_all()

    def spend(self, outside: Outside) -> None:
        with self._lock:
            self._open.pop(outside.token, None)
            self._spent.add(outside.token)

    def find(self, token: str):
        with self._lock:
            if token in self._open:
                return self._open[token]
            if token in self._spent:
                raise ApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
        raise ApiError("InvalidToken", "Invalid Token: 'Invalid token'")

    def take(self, activity_arn: str, seconds: float):
        """The oldest activity task no worker has yet, waiting up to ``seconds``; or None."""
        deadline = time.monotonic() + seconds
        with self._lock:
            while not self._closing:
                queue = self._queues.get(activity_arn)
                while queue:
                    outside = queue.popleft()
                    if not outside.closed:
                        return outside, self._open[outside.token][1]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)
        return None

    def close(self) -> None:
        """The server stops: pollers return empty-handed."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()


class _ExecutionWorld:
    """What one execution's engine asks for a wait: a token registered with the server."""

    def __init__(self, tasks: Tasks, backend, record):
        self.tasks, self.backend, self.record = tasks, backend, record

    def wait(self, call, kind: str) -> Outside:
        token = call.task_token or secrets.token_urlsafe(64)
        outside = Outside(token, call, kind, on_close=self.tasks.spend)
        self.tasks.register(outside, self.record)
        return outside


def _deliver(call, token: str, message) -> None:
    outside, record = call.server.tasks.find(token)
    call.server.deliver(record, outside, message)


@operation("GetActivityTask")
def get_activity_task(call, params: dict) -> dict:
    with call.store.lock:
        activity = get_activity(call, params["activityArn"])
    taken = call.server.tasks.take(activity.arn, call.server.poll_seconds)
    if taken is None:
        return {}                    # nothing within the poll: no token (GetActivityTask's documentation)
    outside, record = taken
    call.server.deliver(record, outside, ("started", params.get("workerName")))
    return {"taskToken": outside.token, "input": dumps(outside.call.parameters)}


def _output(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ApiError("InvalidOutput", f"Invalid Output: '{err.msg}'") from None


@operation("SendTaskSuccess")
def send_task_success(call, params: dict) -> dict:
    _deliver(call, params["taskToken"], ("success", _output(params["output"])))
    return {}


@operation("SendTaskFailure")
def send_task_failure(call, params: dict) -> dict:
    _deliver(call, params["taskToken"], ("failure", params.get("error"), params.get("cause")))
    return {}


@operation("SendTaskHeartbeat")
def send_task_heartbeat(call, params: dict) -> dict:
    _deliver(call, params["taskToken"], ("heartbeat",))
    return {}
