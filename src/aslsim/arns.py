"""The ARNs aslsim makes up, in one place: the region and account are carried, never parsed back.

An execution runs in a region (``machine.run(region=...)``, ``us-east-1`` unless told) under
moto's default account; every ARN the engine writes (the state machine, the execution, a Map
Run, the execution role) and every region a service needs is built here from those two.
"""
from __future__ import annotations

DEFAULT_REGION = "us-east-1"
ACCOUNT = "123456789012"      # moto's default account, so moto and the engine agree


def state_machine_arn(region: str, machine: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{machine}"


def execution_arn(region: str, machine: str, name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:execution:{machine}:{name}"


def express_execution_arn(region: str, machine: str, name: str, run_id: str,
                          account: str = ACCOUNT) -> str:
    """An Express execution's ARN: names may repeat, so AWS appends a run id."""
    return f"arn:aws:states:{region}:{account}:express:{machine}:{name}:{run_id}"


def map_run_arn(region: str, machine: str, label: str, run_id: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:mapRun:{machine}/{label}:{run_id}"


def execution_role_arn(account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/aslsim-execution-role"


def lambda_function_arn(region: str, function: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{function}"
