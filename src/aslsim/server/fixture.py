"""pytest: ``aslsim_server``, the Step Functions API of aslsim on a free port of this test
process, with ``AWS_ENDPOINT_URL_SFN`` pointing at it for the code under test.

    def test_the_app_starts_the_workflow(aslsim_server):
        arn = aslsim_server.create_state_machine("statemachines/order.asl.json")
        app.handler({"order": 1}, None)     # calls boto3.client("stepfunctions").start_execution
        assert aslsim_server.client().list_executions(stateMachineArn=arn)["executions"]

``@pytest.mark.aslsim_server(mock_config=..., lambdas=..., aws="moto", mocks=...)`` configures
it. Local Lambda handlers the server runs see the same variable, so a handler that starts
another execution reaches the same server.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# StartSyncExecution and TestState are sent to "sync-<host>" unless host prefix injection is
# off: a name that never resolves for 127.0.0.1 (boto3 and the AWS CLI read this variable).
_ENVIRONMENT = {"AWS_ENDPOINT_URL_SFN": None, "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}


def pytest_configure(config):
    config.addinivalue_line("markers", "aslsim_server(**options): how the aslsim_server fixture is "
                                       "configured (mock_config, lambdas, aws, mocks, region, s3)")


class RunningServer:
    """The fixture's value: the server, where it listens, and a few conveniences."""

    def __init__(self, server):
        self.server = server
        self.endpoint = server.endpoint
        self.region = server.backend.config.region

    def client(self, **options):
        """A boto3 ``stepfunctions`` client of this server.

        Its host prefix injection is off: StartSyncExecution's and TestState's model send them
        to ``sync-<host>``, a name that does not resolve for 127.0.0.1.
        """
        import boto3
        from botocore.config import Config
        config = Config(inject_host_prefix=False)
        if options.get("config") is not None:
            config = config.merge(options.pop("config"))
        return boto3.client("stepfunctions", endpoint_url=self.endpoint, config=config,
                            region_name=options.pop("region_name", self.region), **options)

    def advance_time(self, seconds: float) -> int:
        """Move the virtual clock of every waiting execution ``seconds`` on: their timeouts
        and heartbeats fire; returns how many executions were moved."""
        return self.server.backend.advance(seconds)

    def create_state_machine(self, definition, *, name: str | None = None, type: str = "STANDARD",
                             role_arn: str = "arn:aws:iam::123456789012:role/aslsim") -> str:
        """Create a state machine from a file, a dict or JSON text; returns its ARN."""
        if isinstance(definition, Path) or (isinstance(definition, str) and not definition.lstrip().startswith("{")):
            from ..machine import load
            machine = load(definition)
            name = name or machine.name
            definition = machine.definition
        text = definition if isinstance(definition, str) else json.dumps(definition)
        response = self.client().create_state_machine(name=name or "StateMachine", definition=text,
                                                      roleArn=role_arn, type=type)
        return response["stateMachineArn"]


@pytest.fixture
def aslsim_server(request):
    """The Step Functions API of aslsim on a free port, for this test; AWS_ENDPOINT_URL_SFN (and
    dummy credentials and region, where unset) point boto3 at it until the test ends."""
    from .app import Server
    from .backend import ServerConfig
    marker = request.node.get_closest_marker("aslsim_server")
    options = dict(marker.kwargs) if marker else {}
    if isinstance(options.get("mock_config"), (str, Path, dict)):
        from ..services.mock_config import MockConfig
        options["mock_config"] = MockConfig.load(options["mock_config"])
    server = Server(ServerConfig(**options)).start()
    saved = {key: os.environ.get(key) for key in _ENVIRONMENT}
    for key, value in _ENVIRONMENT.items():
        if value is None:
            os.environ[key] = server.endpoint
        else:
            os.environ.setdefault(key, value)
    try:
        yield RunningServer(server)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
