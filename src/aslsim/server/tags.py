"""Tags of state machines and activities (TagResource, UntagResource, ListTagsForResource)."""
from __future__ import annotations

from . import arns
from .protocol import ApiError
from .registry import operation

MAX_TAGS = 50     # AWS's quota of tags per resource


def _tags_of(call, arn: str) -> dict:
    arns.parse(arn, "stateMachine", "activity")
    tags = call.store.tags.get(arn)
    if tags is None:   # a version or alias ARN is no taggable resource either (recorded)
        raise ApiError("ResourceNotFound", f"Resource not found: '{arn}'")
    return tags


@operation("TagResource")
def tag_resource(call, params: dict) -> dict:
    with call.store.lock:
        tags = _tags_of(call, params["resourceArn"])
        merged = {**tags, **{t["key"]: t.get("value", "") for t in params["tags"]}}
        if len(merged) > MAX_TAGS:
            raise ApiError("TooManyTags", f"Too many tags: a resource can have at most {MAX_TAGS} tags")
        tags.clear()
        tags.update(merged)
    return {}


@operation("UntagResource")
def untag_resource(call, params: dict) -> dict:
    with call.store.lock:
        tags = _tags_of(call, params["resourceArn"])
        for key in params["tagKeys"]:
            tags.pop(key, None)
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(call, params: dict) -> dict:
    with call.store.lock:
        tags = _tags_of(call, params["resourceArn"])
        return {"tags": [{"key": k, "value": v} for k, v in tags.items()]}
