"""Under aws="moto" / --aws moto, moto answers from the first state on: a local handler that runs
before any moto-answered Task, with real-looking credentials in the shell, reaches the same moto
as the Tasks after it (a bucket it creates is listed by the next Task), and nothing reaches AWS."""
import json
import os
import textwrap

import aslsim
from helpers_hardening import cli

HANDLER = """
import os
import boto3

AT_IMPORT = boto3.client("s3")          # a client made at import time, as handlers often do

def handler(event, context):
    AT_IMPORT.create_bucket(Bucket="made-by-the-handler")
    boto3.client("dynamodb").list_tables()      # made at call time
    return {"key": os.environ["AWS_ACCESS_KEY_ID"]}
"""
DEFINITION = {"StartAt": "Handler", "States": {
    "Handler": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "maker", "Payload": {}},
                "ResultSelector": {"key.$": "$.Payload.key"}, "ResultPath": "$.handler", "Next": "List"},
    "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "Parameters": {},
             "ResultSelector": {"names.$": "$.Buckets[*].Name"}, "ResultPath": "$.listed", "End": True}}}
REAL_LOOKING = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7REALKEY", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/realsecret",
                "AWS_SESSION_TOKEN": "real-session-token", "AWS_DEFAULT_REGION": "eu-west-1"}


def handler_file(tmp_path):
    path = tmp_path / "maker.py"
    path.write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    return path


def test_a_handler_before_any_moto_task_reaches_the_runs_moto(tmp_path, monkeypatch):
    for key, value in REAL_LOOKING.items():
        monkeypatch.setenv(key, value)
    execution = aslsim.load(DEFINITION).run({}, aws="moto", lambdas={"maker": f"{handler_file(tmp_path)}:handler"})
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["listed"]["names"] == ["made-by-the-handler"]
    assert execution.output["handler"]["key"] != REAL_LOOKING["AWS_ACCESS_KEY_ID"]
    assert {k: os.environ[k] for k in REAL_LOOKING} == REAL_LOOKING     # the shell's, untouched


def test_the_cli_does_the_same(tmp_path, monkeypatch):
    for key, value in REAL_LOOKING.items():
        monkeypatch.setenv(key, value)
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(DEFINITION))
    result = cli("run", definition, "--aws", "moto", "--lambda", f"maker={handler_file(tmp_path)}:handler")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["listed"]["names"] == ["made-by-the-handler"]


def test_each_run_starts_from_an_empty_moto(tmp_path):
    machine = aslsim.load(DEFINITION)
    lambdas = {"maker": f"{handler_file(tmp_path)}:handler"}
    for _ in range(2):        # a second create_bucket would fail if the first run's bucket stayed
        assert machine.run({}, aws="moto", lambdas=lambdas).status == "SUCCEEDED"
