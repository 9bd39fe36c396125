"""``aslsim serve``: the Step Functions API (AWS JSON 1.0, as botocore's model defines it) on
localhost, backed by aslsim's engine on virtual time.

    from aslsim.server import Server
    with Server(mock_config="MockConfigFile.json") as server:
        sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint)
"""
from .app import Application, Server
from .backend import Backend, ServerConfig

__all__ = ["Server", "ServerConfig", "Application", "Backend"]
