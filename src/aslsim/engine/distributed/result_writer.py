"""ResultWriter: the files a Distributed Map writes to S3 about its child executions.

``write_results`` writes, under ``<Prefix>/<map run id>/``, the children grouped by status
(``SUCCEEDED_<n>``, ``FAILED_<n>`` for failed, timed-out and aborted ones, ``PENDING_<n>`` for
those never started), then ``manifest.json`` listing them, and returns the Map's
``ResultWriterDetails``. ``WriterConfig`` picks the format (``OutputType`` JSON: one array a file;
JSONL: one value a line) and what a succeeded child contributes (``Transformation`` NONE: its
whole execution record; COMPACT: its output; FLATTEN: its output, an array spliced in). Failed
children are always written as whole records (documented).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ...errors import StatesError
from ...query.jsonpath import dumps
from .item_reader import s3_failure_cause
from .s3_store import S3Store, S3StoreError

RESULT_WRITER_FAILED = "States.ResultWriterFailed"
# AWS starts a new file when one would pass 5 GB (documented)
MAX_FILE_BYTES = 5 * 1024 ** 3

# A child's status -> the result file group it is written to (documented)
_GROUP = {"SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "FAILED",
          "ABORTED": "FAILED", "PENDING": "PENDING"}
_OUTPUT_TYPES = ("JSON", "JSONL")
_TRANSFORMATIONS = ("NONE", "COMPACT", "FLATTEN")


@dataclass(frozen=True)
class ChildOutcome:
    """One child execution of a Map Run, as the ResultWriter reports it.

    ``input`` and ``output`` are JSON values (the writer serialises them as AWS does); dates are
    ISO-8601 strings. ``state_machine_arn`` defaults to the one the execution ARN names.
    """
    execution_arn: str
    name: str
    input: Any
    output: Any = None
    status: str = "SUCCEEDED"
    error: str | None = None
    cause: str | None = None
    start_date: str | None = None
    stop_date: str | None = None
    state_machine_arn: str | None = None
    redrive_count: int = 0


def write_results(store: S3Store, *, bucket: str, prefix: str | None, map_run_arn: str,
                  writer_config: dict | None, children: list[ChildOutcome],
                  max_file_bytes: int = MAX_FILE_BYTES) -> dict:
    """Write the result files and manifest.json; the ``ResultWriterDetails`` {Bucket, Key}."""
    output_type, transformation = _writer_settings(writer_config, default_transformation="NONE")
    folder = _run_folder(prefix, map_run_arn)
    extension = ".jsonl" if output_type == "JSONL" else ".json"
    groups = _grouped(children)
    try:
        result_files = {}
        for group in ("FAILED", "PENDING", "SUCCEEDED"):
            if group == "SUCCEEDED":
                values = _transformed(groups[group], transformation)
            else:
                values = map(execution_record, groups[group])
            result_files[group] = []
            for index, body in enumerate(_files(values, output_type, max_file_bytes)):
                key = f"{folder}{group}_{index}{extension}"
                store.put_object(bucket, key, body)
                result_files[group].append({"Key": key, "Size": len(body)})
        manifest_key = f"{folder}manifest.json"
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn,
                    "ResultFiles": result_files}
        store.put_object(bucket, manifest_key, dumps(manifest).encode("utf-8"))
    except S3StoreError as failure:
        raise StatesError(RESULT_WRITER_FAILED, s3_failure_cause(failure)) from None
    return {"Bucket": bucket, "Key": manifest_key}


def format_results(children: list[ChildOutcome], writer_config: dict | None) -> list:
    """The Map's output when a ResultWriter has a WriterConfig but no S3 destination: the
    children's results transformed (COMPACT when no Transformation is given)."""
    _, transformation = _writer_settings(writer_config, default_transformation="COMPACT")
    results = []
    for child in children:
        if _group_of(child) == "SUCCEEDED":
            results.extend(_transformed([child], transformation))
        else:
            results.append(execution_record(child))
    return results


def execution_record(child: ChildOutcome) -> dict:
    """A child as a result file lists it with Transformation NONE: its execution's description,
    Input and Output as JSON text, keys in AWS's (alphabetical) order."""
    succeeded = child.status == "SUCCEEDED"
    fields = {
        "Cause": child.cause,
        "Error": child.error,
        "ExecutionArn": child.execution_arn,
        "Input": dumps(child.input),
        "InputDetails": {"Included": True},
        "Name": child.name,
        "Output": dumps(child.output) if succeeded else None,
        "OutputDetails": {"Included": True} if succeeded else None,
        "RedriveCount": child.redrive_count,
        # A failed child is redriven with its Map Run, not on its own (the API's
        # REDRIVABLE_BY_MAP_RUN); which of the two AWS writes here is not recorded.
        "RedriveStatus": "NOT_REDRIVABLE" if succeeded else "REDRIVABLE_BY_MAP_RUN",
        "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven" if succeeded
        else None,
        "StartDate": child.start_date,
        "StateMachineArn": child.state_machine_arn or _state_machine_arn(child.execution_arn),
        "Status": child.status,
        "StopDate": child.stop_date,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _transformed(children: Iterable[ChildOutcome], transformation: str) -> Iterator:
    for child in children:
        if transformation == "NONE":
            yield execution_record(child)
        elif transformation == "FLATTEN" and isinstance(child.output, list):
            yield from child.output
        else:
            yield child.output


def _files(values: Iterable, output_type: str, max_file_bytes: int) -> Iterator[bytes]:
    """The values serialised into files, a new file whenever one would pass max_file_bytes."""
    # A file's size is base + (len + 1) per value: JSONL adds a newline to each value; a JSON
    # array adds a comma between values and two brackets, i.e. 1 + (len + 1) per value.
    base = 0 if output_type == "JSONL" else 1
    chunk: list[bytes] = []
    size = base
    for value in values:
        line = dumps(value).encode("utf-8")
        if chunk and size + len(line) + 1 > max_file_bytes:
            yield _joined(chunk, output_type)
            chunk, size = [], base
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        yield _joined(chunk, output_type)


def _joined(chunk: list[bytes], output_type: str) -> bytes:
    if output_type == "JSONL":
        return b"\n".join(chunk) + b"\n"
    return b"[" + b",".join(chunk) + b"]"


def _grouped(children: list[ChildOutcome]) -> dict[str, list[ChildOutcome]]:
    groups = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    for child in children:
        groups[_group_of(child)].append(child)
    return groups


def _group_of(child: ChildOutcome) -> str:
    group = _GROUP.get(child.status)
    if group is None:
        raise ValueError(f"child {child.name!r} has status {child.status!r}, expected one of "
                         f"{', '.join(_GROUP)}")
    return group


def _writer_settings(writer_config: dict | None, *, default_transformation: str) -> tuple:
    config = writer_config or {}
    output_type = config.get("OutputType", "JSON")
    transformation = config.get("Transformation", default_transformation)
    if output_type not in _OUTPUT_TYPES:
        raise StatesError(RESULT_WRITER_FAILED,
                          f"Unsupported OutputType {dumps(output_type)}: expected JSON or JSONL")
    if transformation not in _TRANSFORMATIONS:
        raise StatesError(RESULT_WRITER_FAILED,
                          f"Unsupported Transformation {dumps(transformation)}: expected NONE, "
                          f"COMPACT or FLATTEN")
    return output_type, transformation


def _run_folder(prefix: str | None, map_run_arn: str) -> str:
    """"<prefix>/<map run id>/": the id is the Map Run ARN's last part (documented example:
    mapRun:csvProcess/Map:ad9b5f27-... writes under csvProcessJobs/ad9b5f27-.../)."""
    run_id = map_run_arn.rsplit(":", 1)[-1]
    # not recorded: a Prefix ending in "/" is taken not to add an empty path segment
    prefix = (prefix or "").rstrip("/")
    return f"{prefix}/{run_id}/" if prefix else f"{run_id}/"


def _state_machine_arn(execution_arn: str) -> str:
    """arn:...:execution:<machine>/<map label>:<name> -> arn:...:stateMachine:<machine>/<label>,
    the child state machine ARN AWS writes (documented example)."""
    head, _, _name = execution_arn.rpartition(":")
    return head.replace(":execution:", ":stateMachine:", 1) if head else execution_arn
