"""Reading a Task's Resource ARN: which kind of target it is and how AWS names it in history."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_LAMBDA_FUNCTION = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$")
_ACTIVITY = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:activity:.+$")
_INTEGRATION = re.compile(r"^arn:[^:]+:states:::(.+)$")
_PATTERNS = (".waitForTaskToken", ".sync:2", ".sync")


@dataclass(frozen=True)
class Resource:
    arn: str
    kind: str                 # "lambda-function" (legacy direct ARN), "activity" or "integration"
    resource_type: str = ""   # history's resourceType: "lambda", "sqs", "aws-sdk:s3", ...
    api: str = ""             # history's resource: "invoke", "sendMessage.waitForTaskToken", ...
    action: str = ""          # the API action alone: "invoke", "sendMessage"
    pattern: str = ""         # "", ".sync", ".sync:2" or ".waitForTaskToken"
    function_name: str = ""   # for lambda targets, when known from the ARN


@lru_cache(maxsize=1024)   # asked on every Task attempt; Resource is frozen, so sharing is safe
def describe_resource(arn: str) -> Resource:
    m = _LAMBDA_FUNCTION.match(arn)
    if m:
        return Resource(arn, "lambda-function", "lambda", "", "invoke", "", m.group(1))
    if _ACTIVITY.match(arn):
        return Resource(arn, "activity")
    m = _INTEGRATION.match(arn)
    if m:
        service_api = m.group(1)
        pattern = next((p for p in _PATTERNS if service_api.endswith(p)), "")
        bare = service_api[: len(service_api) - len(pattern)] if pattern else service_api
        resource_type, _, action = bare.rpartition(":")
        return Resource(arn, "integration", resource_type, action + pattern, action, pattern)
    return Resource(arn, "unknown")
