import json

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/aslsim-tests"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}}


@pytest.fixture
def sfn(aslsim_server):
    """A boto3 stepfunctions client of a fresh server (no retries: errors arrive at once)."""
    from botocore.config import Config
    return aslsim_server.client(config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def create(sfn):
    """create(definition=PASS, name="m", **kw) -> state machine ARN."""
    def make(definition=PASS, name="machine", **options):
        text = definition if isinstance(definition, str) else json.dumps(definition)
        return sfn.create_state_machine(name=name, definition=text, roleArn=ROLE, **options)["stateMachineArn"]
    return make


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    """(code, message) of the ClientError the call raises."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    error = info.value.response["Error"]
    return error["Code"], error["Message"]
