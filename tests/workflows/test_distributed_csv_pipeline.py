"""A CSV of 10,000 rows in moto's S3 through a Distributed Map, batched, with one failing batch
tolerated, its results written back to S3 and read back with boto3.

The pipeline: the ItemReader reads ``orders.csv`` (a header row, then 10,000 orders) from the
``incoming`` bucket; the ItemBatcher hands each child execution 100 rows and the source key as
BatchInput; each child's ``Score`` Task (a Lambda) sums its batch. The scoring backend is down for
the batch of orders 4200-4299 (a ``call`` mock raising aslsim.ServiceError), and the Map tolerates
up to 100 failed items, so that one batch (AWS counts failed *items*: maprun-fail-threshold.md).
The ResultWriter exports to the ``reports`` bucket under ``scores/``: manifest.json, one
SUCCEEDED_0.json and one FAILED_0.json (input-output-resultwriter.md), each an array of execution
records (Transformation NONE, the default with an S3 destination).
"""
import json

import pytest

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

import aslsim  # noqa: E402

ROWS = 10_000
BATCH = 100
BROKEN_BATCH_FIRST_ID = 4200
REGION = "us-east-1"

DEFINITION = {
    "Comment": "Score every order of a CSV export",
    "StartAt": "ScoreOrders",
    "States": {"ScoreOrders": {
        "Type": "Map",
        "Label": "ScoreOrders",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                       "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"}},
        "ItemBatcher": {"MaxItemsPerBatch": BATCH, "BatchInput": {"source.$": "$.key"}},
        "MaxConcurrency": 10,
        "ToleratedFailureCount": BATCH,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Score",
            "States": {"Score": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                 "Parameters": {"FunctionName": "score-orders", "Payload.$": "$"},
                                 "ResultSelector": {"orders.$": "$.Payload.orders",
                                                    "total.$": "$.Payload.total"},
                                 "End": True}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                         "Parameters": {"Bucket": "reports", "Prefix": "scores"}},
        "End": True}},
}


def score(parameters):
    """The scoring Lambda: the batch's order count and total amount in cents."""
    batch = parameters["Payload"]
    if int(batch["Items"][0]["id"]) == BROKEN_BATCH_FIRST_ID:
        raise aslsim.ServiceError("Lambda.ServiceException", "scoring backend unavailable")
    total = sum(int(row["cents"]) for row in batch["Items"])
    return {"StatusCode": 200, "Payload": {"orders": len(batch["Items"]), "total": total}}


def orders_csv() -> bytes:
    lines = ["id,customer,cents"] + [f"{n},customer-{n % 97},{n % 1000}" for n in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def read_json(s3, key):
    return json.loads(s3.get_object(Bucket="reports", Key=key)["Body"].read())


@pytest.fixture
def s3():
    with moto.mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="incoming")
        client.create_bucket(Bucket="reports")
        client.put_object(Bucket="incoming", Key="exports/orders.csv", Body=orders_csv())
        yield client


@pytest.fixture
def execution(s3):
    machine = aslsim.load(DEFINITION, name="order-scoring")
    return machine.run({"bucket": "incoming", "key": "exports/orders.csv"},
                       mocks={"Score": {"call": score}}, aws="moto")


def test_the_map_succeeds_with_the_failed_batch_tolerated_and_points_at_the_manifest(execution):
    run = execution.map_runs[0]
    run_id = run.arn.rsplit(":", 1)[1]
    assert execution.status == "SUCCEEDED", execution.cause
    assert run.arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:order-scoring/ScoreOrders:")
    assert execution.output == {"MapRunArn": run.arn, "ResultWriterDetails": {
        "Bucket": "reports", "Key": f"scores/{run_id}/manifest.json"}}
    assert run.item_counts() == {"pending": 0, "running": 0, "succeeded": 9_900, "failed": 100,
                                 "timedOut": 0, "aborted": 0, "total": ROWS}
    assert run.execution_counts()["succeeded"] == 99 and run.execution_counts()["failed"] == 1
    assert len(execution.calls) == ROWS // BATCH


def test_the_parent_history_holds_no_child_events(execution):
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
        "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]


def test_the_manifest_lists_one_succeeded_and_one_failed_file(s3, execution):
    manifest_key = execution.output["ResultWriterDetails"]["Key"]
    folder = manifest_key.rsplit("/", 1)[0]
    manifest = read_json(s3, manifest_key)
    assert manifest["DestinationBucket"] == "reports"
    assert manifest["MapRunArn"] == execution.output["MapRunArn"]
    assert [f["Key"] for f in manifest["ResultFiles"]["SUCCEEDED"]] == [f"{folder}/SUCCEEDED_0.json"]
    assert [f["Key"] for f in manifest["ResultFiles"]["FAILED"]] == [f"{folder}/FAILED_0.json"]
    assert manifest["ResultFiles"]["PENDING"] == []
    size = s3.head_object(Bucket="reports", Key=f"{folder}/SUCCEEDED_0.json")["ContentLength"]
    assert manifest["ResultFiles"]["SUCCEEDED"][0]["Size"] == size


def test_the_succeeded_file_holds_every_other_batch_with_its_input_and_output(s3, execution):
    folder = execution.output["ResultWriterDetails"]["Key"].rsplit("/", 1)[0]
    records = read_json(s3, f"{folder}/SUCCEEDED_0.json")
    assert len(records) == 99
    assert {r["Status"] for r in records} == {"SUCCEEDED"}
    outputs = [json.loads(r["Output"]) for r in records]
    assert sum(o["orders"] for o in outputs) == 9_900
    expected_total = sum(n % 1000 for n in range(ROWS)) - sum(n % 1000 for n in range(4200, 4300))
    assert sum(o["total"] for o in outputs) == expected_total
    first = json.loads(records[0]["Input"])
    assert first["BatchInput"] == {"source": "exports/orders.csv"}
    assert first["Items"][0] == {"id": "0", "customer": "customer-0", "cents": "0"}
    assert len(first["Items"]) == BATCH
    assert ":execution:order-scoring/ScoreOrders:" in records[0]["ExecutionArn"]


def test_the_failed_file_holds_the_broken_batch_with_the_lambdas_error(s3, execution):
    folder = execution.output["ResultWriterDetails"]["Key"].rsplit("/", 1)[0]
    (record,) = read_json(s3, f"{folder}/FAILED_0.json")
    assert (record["Status"], record["Error"], record["Cause"]) == (
        "FAILED", "Lambda.ServiceException", "scoring backend unavailable")
    items = json.loads(record["Input"])["Items"]
    assert [row["id"] for row in (items[0], items[-1])] == ["4200", "4299"]
    assert "Output" not in record
    failed_child = execution.map_runs[0].children[42]
    assert record["ExecutionArn"] == failed_child.execution_arn
    assert [e["type"] for e in failed_child.history] == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
        "ExecutionFailed"]

def test_one_more_failed_item_than_tolerated_fails_the_map(s3):
    definition = json.loads(json.dumps(DEFINITION))
    definition["States"]["ScoreOrders"]["ToleratedFailureCount"] = BATCH - 1
    execution = aslsim.load(definition, name="order-scoring").run(
        {"bucket": "incoming", "key": "exports/orders.csv"}, mocks={"Score": {"call": score}}, aws="moto")
    assert (execution.status, execution.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    failed = next(e for e in execution.history if e["type"] == "MapRunFailed")
    assert failed["mapRunFailedEventDetails"] == {
        "error": "States.ExceedToleratedFailureThreshold",
        "cause": "The specified tolerated failure threshold was exceeded"}
