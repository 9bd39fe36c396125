"""Between Step Functions' JSON and botocore's Python: request parameters in, results out.

Step Functions names every member in PascalCase, even for APIs that are camelCase on the wire
(CodeBuild's ``projectName`` is ``ProjectName``), serialises JSON values given where the API wants
text, and returns the SDK response without its HTTP metadata. The optimised integrations that go
through AWS's older SDK (DynamoDB, SNS, SQS, Step Functions, Lambda) add ``SdkHttpMetadata`` and
``SdkResponseMetadata``; the functions here rebuild those from the response as AWS would have
sent it (recorded Content-Length values match byte for byte).
"""
from __future__ import annotations

import base64
import zlib
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

from ..query.jsonpath import dumps

__all__ = ["MissingParameter", "sfn_name", "to_request", "from_response", "http_metadata",
           "iso_instant", "epoch_ms", "as_aws", "json_body", "sns_publish_body"]


class MissingParameter(Exception):
    """A required member is absent or null; ``path`` is its lowerCamel path, as AWS words it."""

    def __init__(self, name: str, path: str):
        self.name = name
        self.path = path
        super().__init__(path)


# ------------------------------------------------------------ request: Step Functions -> botocore

def to_request(parameters: Any, shape) -> dict:
    """Botocore keyword arguments for the Task's parameters, matched to ``shape`` (the operation's
    input structure). Raises MissingParameter for a required member that is absent or null."""
    if shape is None:
        return {}
    return _structure(parameters if isinstance(parameters, dict) else {}, shape, "")


@lru_cache(maxsize=None)
def _members_by_lower_name(shape) -> dict:
    names = {name.lower(): name for name in shape.members}
    if "Equals" in shape.members:
        names["equalsvalue"] = "Equals"     # the Java SDK's name for it (see sfn_name)
    return names


def sfn_name(member: str, sdk: bool = False) -> str:
    """A member as Step Functions names it (supported-services-awssdk.md, "API naming
    conventions"): PascalCase, and "Equals" as the Java SDK's "EqualsValue" (it may not shadow
    Object.equals). aws-sdk integrations go through the AWS SDK for Java v2, whose member names
    lower-case a leading acronym (``dbInstanceIdentifier()``, ``bool()``, ``snsTopicArn()``):
    PascalCased, that is DbInstanceIdentifier, Bool, SnsTopicArn; the optimised integrations
    keep the model's names (DynamoDB's BOOL)."""
    if member == "Equals":
        return "EqualsValue"
    if sdk:
        return _java_v2_name(member)
    return member[:1].upper() + member[1:]


@lru_cache(maxsize=4096)
def _java_v2_name(member: str) -> str:
    # The SDK's codegen lower-cases the first letter and every capital after it, except a
    # capital that starts the next word (the one followed by a lower-case letter).
    i = 1
    while i < len(member) and member[i].isupper() and not (
            i + 1 < len(member) and member[i + 1].islower()):
        i += 1
    return member[:1].upper() + member[1:i].lower() + member[i:]


def _is_document(shape) -> bool:
    return bool(shape.metadata.get("document"))     # free-form JSON: its keys are data


def _structure(value: dict, shape, path: str) -> dict:
    by_lower = _members_by_lower_name(shape)
    out = {}
    for key, item in value.items():
        name = by_lower.get(key.lower(), key)   # unknown keys go on: botocore words the refusal
        if item is None:
            continue                            # a JSON null is an absent member to the SDK
        member = shape.members.get(name)
        if member is None:
            out[name] = item
        elif member.type_name == "blob" and shape.serialization.get("payload") == name:
            # Recorded (aws-sdk:s3:putObject): a payload is stored as JSON text, a string too:
            # "text data" is stored as "\"text data\"" (the ETag is the MD5 of the quoted text).
            out[name] = dumps(item).encode("utf-8")
        else:
            out[name] = _value(item, member, _join(path, name))
    for name in shape.required_members:
        if name not in out:
            raise MissingParameter(name, _join(path, name))
    return out


def _value(value: Any, shape, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not _is_document(shape):
        return _structure(value, shape, path)
    if kind == "list" and isinstance(value, list):
        return [_value(v, shape.member, path) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _value(v, shape.value, path) for k, v in value.items()}
    if kind == "string" and not isinstance(value, str):
        return dumps(value)                    # SNS Message, SQS MessageBody, EventBridge Detail
    if kind == "blob" and isinstance(value, str):
        # other blobs travel as base64 text in JSON (DynamoDB's B, KMS's CiphertextBlob)
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            return value.encode("utf-8")
    if kind in ("integer", "long") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _join(path: str, name: str) -> str:
    camel = name[:1].lower() + name[1:]
    return f"{path}.{camel}" if path else camel


# ----------------------------------------------------------- response: botocore -> Step Functions

def from_response(response: dict, shape, *, sdk: bool) -> dict:
    """The result Step Functions returns for a botocore response: PascalCase members, no
    ResponseMetadata, payload blobs as text, other blobs as base64, timestamps as AWS prints them
    (ISO-8601 for aws-sdk integrations, epoch milliseconds for the optimised ones)."""
    if shape is None:
        return {}
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return _out_structure(body, shape, sdk)


def _out_structure(value: dict, shape, sdk: bool) -> dict:
    out = {}
    for name, item in value.items():
        if item is None:
            continue
        member = shape.members.get(name)
        out[sfn_name(name, sdk)] = item if member is None else _out(item, member, sdk)
    return out


def _out(value: Any, shape, sdk: bool) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not _is_document(shape):
        return _out_structure(value, shape, sdk)
    if kind == "list" and isinstance(value, list):
        return [_out(v, shape.member, sdk) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _out(v, shape.value, sdk) for k, v in value.items()}
    if kind == "blob":
        if hasattr(value, "read"):
            # a payload (S3 Body, Lambda Payload): recorded as the object's text
            return value.read().decode("utf-8", errors="replace")
        return base64.b64encode(value).decode("ascii")
    if kind == "timestamp" and isinstance(value, datetime):
        return iso_instant(value) if sdk else epoch_ms(value)
    return value


def iso_instant(moment: datetime) -> str:
    """A timestamp as Java's Instant prints it: 2025-01-01T00:00:00Z, with .SSS or .SSSSSS only
    when there are fractions of a second (observed in aws-sdk results, e.g. CloudFormation's
    "CreationTime": "2013-08-23T01:02:15.422Z")."""
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    micros = moment.microsecond
    if micros:
        text += f".{micros // 1000:03d}" if micros % 1000 == 0 else f".{micros:06d}"
    return text + "Z"


def epoch_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(round(moment.timestamp() * 1000))


# ---------------------------------------------------------------- SdkHttpMetadata

# The headers AWS's older SDK reports per service (recorded names and order; the values of
# Date and x-amzn-RequestId vary, the others are constant).
_JSON = "application/x-amz-json-1.0"
_HEADERS = {
    "dynamodb": ("Connection", "Content-Length", "Content-Type", "Date", "Server", "x-amz-crc32",
                 "x-amzn-RequestId"),
    "json": ("Content-Length", "Content-Type", "Date", "connection", "x-amzn-RequestId"),
    "xml": ("Content-Length", "Content-Type", "Date", "connection", "x-amzn-RequestId"),
}


def http_metadata(style: str, body: bytes, request_id: str, time_ms: int,
                  content_type: str | None = None) -> dict:
    """``SdkHttpMetadata`` and ``SdkResponseMetadata`` for a response whose body was ``body``.
    ``style`` is "dynamodb", "json" (SQS, Step Functions) or "xml" (SNS)."""
    values = {
        "Connection": "keep-alive", "connection": "keep-alive",
        "Content-Length": str(len(body)),
        "Content-Type": content_type or ("text/xml" if style == "xml" else _JSON),
        "Date": format_datetime(datetime.fromtimestamp(time_ms / 1000, timezone.utc), usegmt=True),
        "Server": "Server",                       # DynamoDB literally answers "Server: Server"
        "x-amz-crc32": str(zlib.crc32(body)),     # DynamoDB's checksum of the body
        "x-amzn-RequestId": request_id,
    }
    headers = {name: values[name] for name in _HEADERS[style]}
    return {
        "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()},
                            "HttpHeaders": headers, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def json_body(result: dict) -> bytes:
    """The body a JSON-protocol service sent for ``result``: compact JSON (recorded lengths match:
    DynamoDB getItem 57, SQS sendMessage 106 and 166 bytes)."""
    return dumps(result).encode("utf-8")


def sns_publish_body(message_id: str, request_id: str, sequence_number: str | None = None) -> bytes:
    """SNS's XML answer to Publish, laid out as SNS sends it (recorded: 294 bytes, 352 with a
    FIFO topic's SequenceNumber)."""
    sequence = (f"    <SequenceNumber>{sequence_number}</SequenceNumber>\n"
                if sequence_number else "")
    return ('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n'
            "  <PublishResult>\n"
            f"    <MessageId>{message_id}</MessageId>\n{sequence}"
            "  </PublishResult>\n"
            "  <ResponseMetadata>\n"
            f"    <RequestId>{request_id}</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</PublishResponse>\n").encode("utf-8")


# ---------------------------------------------------------------- where moto differs from AWS

def as_aws(client: str, operation: str, request: dict, result: dict, shape) -> dict:
    """Correct moto's answer where AWS is known to answer otherwise (recorded results)."""
    if client == "s3":
        return _s3_as_aws(operation, request, result, shape)
    if client == "dynamodb":
        # DynamoDB reports capacity and item collections only when asked (moto always does)
        if request.get("ReturnConsumedCapacity") not in ("TOTAL", "INDEXES"):
            result.pop("ConsumedCapacity", None)
        if request.get("ReturnItemCollectionMetrics") != "SIZE":
            result.pop("ItemCollectionMetrics", None)
    return result


_CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1",
              "ChecksumSHA256")


def _s3_as_aws(operation: str, request: dict, result: dict, shape) -> dict:
    """- every new object is encrypted with SSE-S3 (AWS's default since January 2023), so object
      responses carry ``ServerSideEncryption: AES256`` unless another encryption was used;
    - a stored checksum comes back from GetObject/HeadObject only with ``ChecksumMode: ENABLED``;
    - PutObject reports the checksum it computed with ``ChecksumType: FULL_OBJECT``.
    """
    members = shape.members if shape is not None else {}
    if "ServerSideEncryption" in members:
        result.setdefault("ServerSideEncryption", "AES256")
    if operation in ("GetObject", "HeadObject") and request.get("ChecksumMode") != "ENABLED":
        for name in _CHECKSUMS + ("ChecksumType",):
            result.pop(name, None)
    if "ChecksumType" in members and any(name in result for name in _CHECKSUMS):
        result.setdefault("ChecksumType", "FULL_OBJECT")
    return result
