"""What answering a Task costs: the same DynamoDB workflow answered by declared mocks, by a local
Lambda handler and by moto's in-memory AWS, timed side by side in one process.

    python bench/services.py [--runs N]

Prints milliseconds per execution (median of the timed runs) and the ratio to plain mocks.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import aslsim  # noqa: E402

TABLE = "cars"
DEFINITION = {"StartAt": "Lookup", "States": {
    "Lookup": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:lookup",
               "ResultPath": "$.car", "Next": "Save"},
    "Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": None,
             "Parameters": {"TableName": TABLE, "Item": {"id": {"S.$": "$.id"},
                                                         "make": {"S.$": "$.car.make"}}},
             "Next": "Read"},
    "Read": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
             "Parameters": {"TableName": TABLE, "Key": {"id": {"S.$": "$.id"}}},
             "OutputPath": "$.Item", "End": True}}}
EXPECTED = {"id": {"S": "c-1"}, "make": {"S": "Ford"}}


def lookup(event, context):
    return {"make": "Ford"}


MOCKS = {"Lookup": {"return": {"make": "Ford"}}, "Save": {"return": {}},
         "Read": {"return": {"Item": EXPECTED}}}


def timed(run, runs: int) -> float:
    for _ in range(3):
        run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    import boto3
    from moto import mock_aws

    machine = aslsim.load(DEFINITION, name="bench-services")
    data = {"id": "c-1"}

    def check(ex):
        assert ex.status == "SUCCEEDED" and ex.output == EXPECTED, ex
    results = {}
    results["declared mocks"] = timed(lambda: check(machine.run(data, mocks=MOCKS)), args.runs)
    lambdas = {"lookup": lookup}
    results["local Lambda + mocks"] = timed(
        lambda: check(machine.run(data, lambdas=lambdas, mocks={k: v for k, v in MOCKS.items()
                                                                 if k != "Lookup"})), args.runs)
    with mock_aws():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        results["local Lambda + moto (inside the test's mock_aws)"] = timed(
            lambda: check(machine.run(data, lambdas=lambdas, aws="moto")), args.runs)
    base = results["declared mocks"]
    print(f"{'answered by':52} {'ms/execution':>13} {'x mocks':>8}")
    for name, ms in results.items():
        print(f"{name:52} {ms:13.3f} {ms / base:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
