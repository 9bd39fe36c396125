"""Activities: CreateActivity (idempotent by name), DescribeActivity, DeleteActivity,
ListActivities. Their workers' long polls live in workers.py."""
from __future__ import annotations

from . import arns
from .protocol import ApiError
from .registry import operation
from .store import by_name_in, ActivityRecord, now_ms, page


def activity_does_not_exist(arn: str) -> ApiError:
    return ApiError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def get_activity(call, arn: str) -> ActivityRecord:
    arns.parse(arn, "activity")
    record = call.store.activities.get(arn)
    if record is None:
        raise activity_does_not_exist(arn)
    return record


@operation("CreateActivity")
def create_activity(call, params: dict) -> dict:
    name = params["name"]
    arns.check_name(name)
    arn = arns.activity(call.region, name)
    with call.store.lock:
        record = call.store.activities.get(arn)
        if record is None:      # a second create of the same name is the first one (recorded)
            record = ActivityRecord(arn=arn, name=name, creation_ms=now_ms(),
                                    encryption=params.get("encryptionConfiguration"))
            call.store.activities[arn] = record
            call.store.tags[arn] = {t["key"]: t.get("value", "") for t in params.get("tags", [])}
    return {"activityArn": record.arn, "creationDate": record.creation_ms}


@operation("DescribeActivity")
def describe_activity(call, params: dict) -> dict:
    with call.store.lock:
        record = get_activity(call, params["activityArn"])
    return {"activityArn": record.arn, "name": record.name, "creationDate": record.creation_ms,
            "encryptionConfiguration": record.encryption}


@operation("DeleteActivity")
def delete_activity(call, params: dict) -> dict:
    arn = params["activityArn"]
    arns.parse(arn, "activity")
    with call.store.lock:            # deleting it twice answers 200 both times (recorded)
        call.store.activities.pop(arn, None)
        call.store.tags.pop(arn, None)
    return {}


@operation("ListActivities")
def list_activities(call, params: dict) -> dict:
    with call.store.lock:
        records = by_name_in(call.store.activities.values(), call.region)
    chunk, token = page(records, params, "ListActivities", lambda r: r.arn)
    return {"activities": [{"activityArn": r.arn, "name": r.name, "creationDate": r.creation_ms}
                           for r in chunk], "nextToken": token}
