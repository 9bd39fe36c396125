"""The TestState operation, answered by aslsim.test_state with the server's answerers."""
from __future__ import annotations

import json

from ..test_state import TestStateError, test_state
from .executions import read_input
from .protocol import ApiError, validation_error
from .registry import operation


def _json_object(text: str | None, member: str):
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise validation_error(f"The {member} is not valid JSON: {err.msg}") from None
    if not isinstance(value, dict):
        raise validation_error(f"The {member} must be a JSON object")
    return value


@operation("TestState")
def test_state_operation(call, params: dict) -> dict:
    _, value = read_input(params.get("input"))
    config = call.server.config
    try:
        result = test_state(params["definition"], value, state_name=params.get("stateName"),
                            inspection_level=params.get("inspectionLevel", "INFO"),
                            variables=_json_object(params.get("variables"), "variables"),
                            context=_json_object(params.get("context"), "context"),
                            mock=params.get("mock"), state_configuration=params.get("stateConfiguration"),
                            reveal_secrets=params.get("revealSecrets", False), role_arn=params.get("roleArn"),
                            mocks=config.mocks, lambdas=config.lambdas, aws=config.aws, region=call.region)
    except TestStateError as err:
        raise ApiError(err.code, str(err)) from None
    return result.to_api()
