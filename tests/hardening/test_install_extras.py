"""``pip install 'aslsim[aws]'`` is complete: every service aslsim routes to moto has its moto
extra declared, its moto backend imports, and a Task of it runs through aws="moto". (CI runs
this in a fresh virtual environment, .ci/run, so nothing left on a machine can hide a gap.)"""
import importlib
import re
import sys
from pathlib import Path

import pytest

import aslsim
from aslsim.services import api_models

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# the moto module (and extra) behind each botocore client aslsim's optimised integrations use
MOTO_NAME = {"lambda": "awslambda", "stepfunctions": "stepfunctions"}
# one harmless aws-sdk call per service, answered by moto
CALLS = {
    "glue": ("getJobs", {}), "dynamodb": ("listTables", {}), "s3": ("listBuckets", {}),
    "sns": ("listTopics", {}), "sqs": ("listQueues", {}), "sfn": ("listStateMachines", {}),
    "eventbridge": ("listRules", {}), "athena": ("listWorkGroups", {}), "ecs": ("listClusters", {}),
    "batch": ("describeJobQueues", {}), "codebuild": ("listProjects", {}), "lambda": ("listFunctions", {}),
}


def declared_extras() -> set[str]:
    if sys.version_info >= (3, 11):
        import tomllib
        aws = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["aws"]
    else:  # pragma: no cover - 3.10 has no tomllib
        aws = re.findall(r'"([^"]+)"', PYPROJECT.read_text().split("aws = [", 1)[1].split("]\n", 1)[0])
    moto = next(d for d in aws if d.startswith("moto["))
    return set(moto[len("moto["):moto.index("]")].split(","))


def routed_clients() -> set[str]:
    return {spec.client for spec in api_models.OPTIMISED.values()}


@pytest.mark.parametrize("client", sorted(routed_clients()))
def test_every_routed_service_has_its_moto_extra_and_its_backend_imports(client):
    name = MOTO_NAME.get(client, client)
    assert name in declared_extras(), f"pyproject's aws extra lacks moto[{name}]"
    importlib.import_module(f"moto.{name}.models")      # ModuleNotFoundError when an extra is missing


def test_a_task_of_every_routed_service_runs_through_moto():
    states, names = {}, list(CALLS)
    for i, service in enumerate(names):
        action, parameters = CALLS[service]
        states[service] = {"Type": "Task", "Resource": f"arn:aws:states:::aws-sdk:{service}:{action}",
                           "Parameters": parameters, "ResultPath": None,
                           **({"Next": names[i + 1]} if i + 1 < len(names) else {"End": True})}
    execution = aslsim.load({"StartAt": names[0], "States": states}).run({}, aws="moto")
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert [call["state"] for call in execution.calls] == names
