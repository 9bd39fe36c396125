"""The order-scoring example: a CSV export in S3 scored by a Distributed Map.

200 orders in batches of 50 go to a local Python Lambda (statemachines/handlers/score_orders.py)
that refuses a batch holding a negative amount; order 137 has one, so the third batch fails and is
tolerated (ToleratedFailureCount 50 counts failed orders). The ResultWriter exports the children's
records to the ``reports`` bucket. Run from the command line against a folder of S3 buckets, and
from Python against moto's S3, read back with boto3.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import aslsim

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "order_scoring.asl.json"
CLI_HANDLER = "statemachines/handlers/score_orders.py:handler"   # relative to the current folder
HANDLER = "handlers/score_orders.py:handler"     # in Python: relative to the definition
S3_FIXTURE = ROOT / "fixtures" / "order_scoring" / "s3"
INPUT = {"bucket": "incoming", "key": "orders.csv"}


def expected_cents(first_id: int, last_id: int) -> int:
    """The total the handler computes for orders first_id..last_id of the fixture CSV."""
    rows = (S3_FIXTURE / "incoming" / "orders.csv").read_text().splitlines()[1:]
    return sum(int(row.split(",")[2]) for row in rows[first_id - 1:last_id])


def read_export(read, manifest_key):
    manifest = json.loads(read(manifest_key))
    files = {status: [json.loads(read(entry["Key"])) for entry in entries]
             for status, entries in manifest["ResultFiles"].items()}
    return manifest, files


def test_the_command_line_scores_the_csv_from_a_folder_and_writes_the_export_there(tmp_path):
    buckets = tmp_path / "s3"
    shutil.copytree(S3_FIXTURE, buckets)
    report = tmp_path / "report.html"
    run = subprocess.run([sys.executable, "-m", "aslsim.cli", "run", str(DEFINITION),
                          "--input", json.dumps(INPUT), "--s3", str(buckets),
                          "--lambda", f"score-orders={CLI_HANDLER}", "--report", str(report)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    output = json.loads(run.stdout)
    run_id = output["MapRunArn"].rsplit(":", 1)[1]
    assert output["MapRunArn"].startswith("arn:aws:states:us-east-1:")
    assert ":mapRun:order_scoring/ScoreOrders:" in output["MapRunArn"]
    assert output["ResultWriterDetails"] == {"Bucket": "reports", "Key": f"scores/{run_id}/manifest.json"}

    manifest, files = read_export(lambda key: (buckets / "reports" / key).read_text(),
                                  output["ResultWriterDetails"]["Key"])
    assert manifest["DestinationBucket"] == "reports"
    assert manifest["MapRunArn"] == output["MapRunArn"]
    assert [entry["Key"] for entry in manifest["ResultFiles"]["SUCCEEDED"]] == [f"scores/{run_id}/SUCCEEDED_0.json"]
    assert [entry["Key"] for entry in manifest["ResultFiles"]["FAILED"]] == [f"scores/{run_id}/FAILED_0.json"]
    assert manifest["ResultFiles"]["PENDING"] == []

    succeeded = files["SUCCEEDED"][0]
    assert [json.loads(record["Output"]) for record in succeeded] == [
        {"orders": 50, "cents": expected_cents(1, 50)},
        {"orders": 50, "cents": expected_cents(51, 100)},
        {"orders": 50, "cents": expected_cents(151, 200)}]
    [failed] = files["FAILED"][0]
    assert failed["Status"] == "FAILED" and failed["Error"] == "InvalidOrder"
    assert json.loads(failed["Cause"])["errorMessage"] == "order 137 has a negative amount"
    assert json.loads(failed["Input"])["BatchInput"] == {"source": "orders.csv"}
    assert [item["id"] for item in json.loads(failed["Input"])["Items"]] == [str(i) for i in range(101, 151)]
    assert "ScoreOrders" in report.read_text()


def test_a_second_bad_batch_exceeds_the_tolerated_failures(tmp_path):
    buckets = tmp_path / "s3"
    shutil.copytree(S3_FIXTURE, buckets)
    orders = buckets / "incoming" / "orders.csv"
    orders.write_text(orders.read_text().replace("\n12,customer-12,", "\n12,customer-12,-"))
    execution = aslsim.load(DEFINITION).run(INPUT, s3=buckets, lambdas={"score-orders": HANDLER})
    assert execution.status == "FAILED"
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    [map_run] = execution.map_runs
    assert map_run.status == "FAILED"


def test_python_against_motos_s3_read_back_with_boto3():
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in ("incoming", "reports"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="incoming", Key="orders.csv",
                      Body=(S3_FIXTURE / "incoming" / "orders.csv").read_bytes())
        execution = aslsim.load(DEFINITION).run(INPUT, aws="moto", lambdas={"score-orders": HANDLER})
        assert execution.status == "SUCCEEDED", execution.cause
        _, files = read_export(
            lambda key: s3.get_object(Bucket="reports", Key=key)["Body"].read().decode(),
            execution.output["ResultWriterDetails"]["Key"])
    assert sum(json.loads(r["Output"])["orders"] for r in files["SUCCEEDED"][0]) == 150
    assert len(files["FAILED"][0]) == 1
    [map_run] = execution.map_runs
    assert map_run.status == "SUCCEEDED"
    # each batch's child execution entered Score once; the parent went on to Done
    assert execution.path == ["ScoreOrders", [["Score"], ["Score"], ["Score"], ["Score"]], "Done"]
