"""Benchmark: aslsim serve.

    python bench/server.py              # ~20 s
    python bench/server.py --quick      # smoke test
    python bench/server.py --json out.json

Two figures:

- requests per second on one core: ``aslsim serve`` in its own process pinned to one CPU
  (``taskset -c 0`` where it exists), a client in this process sending DescribeStateMachine and
  StartExecution (a Pass machine) over one keep-alive connection, back to back;
- start-to-SUCCEEDED latency of a 10-state machine through boto3: ``start_execution`` then
  ``describe_execution`` until SUCCEEDED (on virtual time the first describe already sees it),
  median and p90 over many executions.

Every answer is checked (status 200, SUCCEEDED) so that a broken server fails the bench.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import boto3
import urllib3
from botocore.config import Config

ROLE = "arn:aws:iam::123456789012:role/bench"
TEN_STATES = {"StartAt": "S0", "States": {
    **{f"S{i}": {"Type": "Pass", "Parameters": {"step": i, "previous.$": "$"}, "ResultPath": f"$.s{i}",
                 "Next": f"S{i + 1}"} for i in range(9)},
    "S9": {"Type": "Pass", "End": True}}}
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def start_server() -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "aslsim.cli", "serve", "--port", "0"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"aslsim serve did not start: {line}")
    return process, match.group(1)


def requests_per_second(endpoint: str, operation: str, body: dict, seconds: float) -> float:
    http = urllib3.HTTPConnectionPool(endpoint.split("//")[1].split(":")[0], int(endpoint.rsplit(":", 1)[1]),
                                      maxsize=1)
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AWSStepFunctions.{operation}"}
    data = json.dumps(body).encode()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = http.request("POST", "/", body=data, headers=headers)
        if response.status != 200:
            raise SystemExit(f"{operation} answered {response.status}: {response.data[:300]}")
        count += 1
    return count / (time.perf_counter() - started)


def latency(client, machine_arn: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        arn = client.start_execution(stateMachineArn=machine_arn, input='{"order": 1}')["executionArn"]
        while client.describe_execution(executionArn=arn)["status"] == "RUNNING":
            pass
        times.append((time.perf_counter() - started) * 1000)
        if client.describe_execution(executionArn=arn)["status"] != "SUCCEEDED":
            raise SystemExit("the 10-state execution did not succeed")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    seconds, runs = (0.5, 50) if args.quick else (5.0, 1000)
    process, endpoint = start_server()
    try:
        client = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench",
                              config=Config(retries={"max_attempts": 1}))
        pass_arn = client.create_state_machine(name="pass", definition=json.dumps(PASS), roleArn=ROLE)["stateMachineArn"]
        ten_arn = client.create_state_machine(name="ten", definition=json.dumps(TEN_STATES), roleArn=ROLE)["stateMachineArn"]
        latency(client, ten_arn, 20)                                    # warm up
        figures = {
            "describe_state_machine_rps": requests_per_second(endpoint, "DescribeStateMachine",
                                                              {"stateMachineArn": pass_arn}, seconds),
            "start_execution_rps": requests_per_second(endpoint, "StartExecution",
                                                       {"stateMachineArn": pass_arn}, seconds),
        }
        times = latency(client, ten_arn, runs)
        figures["ten_state_latency_ms_median"] = statistics.median(times)
        figures["ten_state_latency_ms_p90"] = statistics.quantiles(times, n=10)[-1]
        figures["server_pinned_to_one_core"] = bool(shutil.which("taskset"))
    finally:
        process.terminate()
        process.wait(timeout=20)
    for key, value in figures.items():
        print(f"{key:32} {value:,.2f}" if isinstance(value, float) else f"{key:32} {value}")
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    main()
