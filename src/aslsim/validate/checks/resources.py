"""Task resources: ARN shape (ASL601), integrations Step Functions offers and their patterns
(ASL602, ASL604), aws-sdk parameter names against botocore's models (ASL603), and callback Tasks
that never hand out their token (ASL605). The service knowledge is services/api_models.py's.
"""
from __future__ import annotations

from ...definition import acceptance
from ...errors import DefinitionError
from ...services.api_models import check_definition_resource
from ...services.resources import describe_resource
from ..tree import JSONATA, State, Tree, walk_strings

_TOKEN_JSONPATH = "$$.Task.Token"
_TOKEN_JSONATA = "$states.context.Task.Token"


def check(tree: Tree, out) -> None:
    for state in tree.states:
        if not isinstance(state.body, dict):
            continue
        if state.kind == "Task" and isinstance(state.body.get("Resource"), str):
            _task(state, out)
        if state.kind == "Map":
            for owner in ("ItemReader", "ResultWriter"):
                holder = state.body.get(owner)
                if isinstance(holder, dict) and isinstance(holder.get("Resource"), str):
                    _arn(state, state.at(owner, "Resource"), holder["Resource"], out)


def _arn(state: State, where: str, arn: str, out) -> bool:
    problem = acceptance.arn_problem(arn)
    if problem is None:
        return True
    out.add("ASL601", where, problem, state=state.name,
            hint="for example arn:aws:states:::lambda:invoke or "
                 "arn:aws:lambda:us-east-1:123456789012:function:my-function")
    return False


def _task(state: State, out):
    arn = state.body["Resource"]
    where = state.at("Resource")
    if not _arn(state, where, arn, out):
        return
    payload_field = "Arguments" if state.language == JSONATA else "Parameters"
    try:
        check_definition_resource(arn, None)
    except DefinitionError:
        resource = describe_resource(arn)
        bare = arn[: len(arn) - len(resource.pattern)] if resource.pattern else arn
        if resource.pattern and _recognised(bare):
            out.add("ASL604", where, f"{resource.resource_type}:{resource.action} does not support "
                    f"the {resource.pattern} integration pattern", state=state.name,
                    hint=f"use {bare}" if resource.resource_type.startswith("aws-sdk:") else None)
        else:
            out.add("ASL602", where, f"The resource provided {arn} is not recognized: Step "
                    "Functions has no such integration", state=state.name)
        return
    payload = state.body.get(payload_field)
    if isinstance(payload, dict):
        for key, value in payload.items():
            try:
                check_definition_resource(arn, {key: value})
            except DefinitionError as err:
                out.add("ASL603", state.at(payload_field, key), err.message, state=state.name,
                        at_key=True)
    if arn.endswith(".waitForTaskToken") and not _passes_token(state, payload):
        token = _TOKEN_JSONATA if state.language == JSONATA else _TOKEN_JSONPATH
        example = (f'"TaskToken": "{{% {token} %}}"' if state.language == JSONATA
                   else f'"TaskToken.$": "{token}"')
        out.add("ASL605", where, "a .waitForTaskToken Task that does not pass the task token to "
                f"the service can never be resumed: {payload_field} never reads {token}",
                state=state.name, hint=f"pass it to the service, e.g. {example}")


def _recognised(arn: str) -> bool:
    try:
        check_definition_resource(arn, None)
        return True
    except DefinitionError:
        return False


def _passes_token(state: State, payload) -> bool:
    # $$.Task.Token, $states.context.Task.Token, or the token inside States.Format(...) and friends
    return any("Task.Token" in text for _, text in walk_strings(payload, ""))
