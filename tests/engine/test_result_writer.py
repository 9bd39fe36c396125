"""ResultWriter: the files a Distributed Map writes to S3, read back with boto3.

Expected layout and shapes are those of the developer guide page "ResultWriter (Map)":
<Prefix>/<map run id>/manifest.json with DestinationBucket, MapRunArn and ResultFiles
{FAILED, PENDING, SUCCEEDED} of {Key, Size}; SUCCEEDED_0.json / FAILED_0.json holding the
children's execution records (Transformation NONE), outputs (COMPACT) or flattened outputs
(FLATTEN); OutputType JSON (an array) or JSONL (a value a line).
"""
import json

import boto3
import pytest
from moto import mock_aws

from aslsim.engine.distributed.result_writer import ChildOutcome, format_results, write_results
from aslsim.engine.distributed.s3_store import LocalS3Store, MotoS3Store
from aslsim.errors import StatesError

REGION = "us-east-1"
RUN_ID = "ad9b5f27-090b-3ac6-9beb-243cd77144a7"
MAP_RUN_ARN = f"arn:aws:states:us-east-1:123456789012:mapRun:orderProcessing/getOrders:{RUN_ID}"
CHILD_ARN = "arn:aws:states:us-east-1:123456789012:execution:orderProcessing/getOrders:"
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orderProcessing/getOrders"
ORDERS = [{"customer_id": "145538", "order_id": "100000"},
          {"customer_id": "898037", "order_id": "100001"}]


def child(name, output=None, status="SUCCEEDED", **fields):
    return ChildOutcome(execution_arn=CHILD_ARN + name, name=name, input={"item": name},
                        output=output, status=status, start_date="2025-02-04T01:49:50.099Z",
                        stop_date="2025-02-04T01:49:50.163Z", **fields)


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="results")
        yield client


def write(children, writer_config=None, prefix="csvProcessJobs", **options):
    return write_results(MotoS3Store(REGION), bucket="results", prefix=prefix,
                         map_run_arn=MAP_RUN_ARN, writer_config=writer_config,
                         children=children, **options)


def body(s3, key):
    return s3.get_object(Bucket="results", Key=key)["Body"].read()


def manifest(s3, details):
    return json.loads(body(s3, details["Key"]))


def test_details_name_the_bucket_and_the_manifest_under_the_run_id(s3):
    details = write([child("a", ORDERS)])
    assert details == {"Bucket": "results", "Key": f"csvProcessJobs/{RUN_ID}/manifest.json"}


def test_manifest_lists_each_result_file_with_its_size(s3):
    details = write([child("a", ORDERS), child("b", status="FAILED", error="E", cause="C")])
    folder = f"csvProcessJobs/{RUN_ID}/"
    succeeded, failed = body(s3, folder + "SUCCEEDED_0.json"), body(s3, folder + "FAILED_0.json")
    assert manifest(s3, details) == {
        "DestinationBucket": "results", "MapRunArn": MAP_RUN_ARN,
        "ResultFiles": {"FAILED": [{"Key": folder + "FAILED_0.json", "Size": len(failed)}],
                        "PENDING": [],
                        "SUCCEEDED": [{"Key": folder + "SUCCEEDED_0.json",
                                       "Size": len(succeeded)}]}}


def test_transformation_none_writes_execution_records(s3):
    write([child("a", ORDERS)])
    records = json.loads(body(s3, f"csvProcessJobs/{RUN_ID}/SUCCEEDED_0.json"))
    assert records == [{
        "ExecutionArn": CHILD_ARN + "a",
        "Input": '{"item":"a"}',
        "InputDetails": {"Included": True},
        "Name": "a",
        "Output": '[{"customer_id":"145538","order_id":"100000"},'
                  '{"customer_id":"898037","order_id":"100001"}]',
        "OutputDetails": {"Included": True},
        "RedriveCount": 0,
        "RedriveStatus": "NOT_REDRIVABLE",
        "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
        "StartDate": "2025-02-04T01:49:50.099Z",
        "StateMachineArn": MACHINE_ARN,
        "Status": "SUCCEEDED",
        "StopDate": "2025-02-04T01:49:50.163Z"}]
    assert list(records[0]) == sorted(records[0])


def test_failed_timed_out_and_aborted_children_go_to_the_failed_file(s3):
    details = write([child("ok", 1), child("f", status="FAILED", error="Boom", cause="bad"),
                     child("t", status="TIMED_OUT", error="States.Timeout"),
                     child("x", status="ABORTED")],
                    {"OutputType": "JSON", "Transformation": "COMPACT"})
    failed = json.loads(body(s3, f"csvProcessJobs/{RUN_ID}/FAILED_0.json"))
    assert [(r["Name"], r["Status"], r.get("Error"), r.get("Cause")) for r in failed] == [
        ("f", "FAILED", "Boom", "bad"), ("t", "TIMED_OUT", "States.Timeout", None),
        ("x", "ABORTED", None, None)]
    # a failed child is written whole whatever the Transformation, without Output
    assert failed[0] == {
        "Cause": "bad", "Error": "Boom", "ExecutionArn": CHILD_ARN + "f",
        "Input": '{"item":"f"}', "InputDetails": {"Included": True}, "Name": "f",
        "RedriveCount": 0, "RedriveStatus": "REDRIVABLE_BY_MAP_RUN",
        "StartDate": "2025-02-04T01:49:50.099Z", "StateMachineArn": MACHINE_ARN,
        "Status": "FAILED", "StopDate": "2025-02-04T01:49:50.163Z"}
    assert len(manifest(s3, details)["ResultFiles"]["FAILED"]) == 1


def test_only_groups_with_children_get_a_file(s3):
    details = write([child("f", status="FAILED", error="E")])
    assert manifest(s3, details)["ResultFiles"]["SUCCEEDED"] == []
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="results")["Contents"]]
    assert keys == [f"csvProcessJobs/{RUN_ID}/FAILED_0.json",
                    f"csvProcessJobs/{RUN_ID}/manifest.json"]


def test_pending_children_go_to_the_pending_file(s3):
    details = write([child("p", status="PENDING")])
    [entry] = manifest(s3, details)["ResultFiles"]["PENDING"]
    assert entry["Key"] == f"csvProcessJobs/{RUN_ID}/PENDING_0.json"
    assert json.loads(body(s3, entry["Key"]))[0]["Status"] == "PENDING"


def test_transformation_compact_writes_the_outputs(s3):
    write([child("a", ORDERS), child("b", [ORDERS[1]])], {"Transformation": "COMPACT"})
    assert json.loads(body(s3, f"csvProcessJobs/{RUN_ID}/SUCCEEDED_0.json")) == [
        ORDERS, [ORDERS[1]]]


def test_transformation_flatten_splices_array_outputs(s3):
    write([child("a", ORDERS), child("b", "single"), child("c", [ORDERS[1]])],
          {"Transformation": "FLATTEN", "OutputType": "JSON"})
    assert json.loads(body(s3, f"csvProcessJobs/{RUN_ID}/SUCCEEDED_0.json")) == [
        ORDERS[0], ORDERS[1], "single", ORDERS[1]]


def test_output_type_jsonl_writes_one_value_a_line(s3):
    details = write([child("a", ORDERS), child("b", {"n": 2})],
                    {"OutputType": "JSONL", "Transformation": "FLATTEN"})
    key = f"csvProcessJobs/{RUN_ID}/SUCCEEDED_0.jsonl"
    assert body(s3, key) == (b'{"customer_id":"145538","order_id":"100000"}\n'
                             b'{"customer_id":"898037","order_id":"100001"}\n{"n":2}\n')
    assert manifest(s3, details)["ResultFiles"]["SUCCEEDED"] == [
        {"Key": key, "Size": len(body(s3, key))}]


def test_jsonl_with_transformation_none_writes_a_record_a_line(s3):
    write([child("a", 1), child("b", 2)], {"OutputType": "JSONL", "Transformation": "NONE"})
    lines = body(s3, f"csvProcessJobs/{RUN_ID}/SUCCEEDED_0.jsonl").decode().splitlines()
    assert [json.loads(line)["Output"] for line in lines] == ["1", "2"]


def test_a_file_that_would_pass_the_size_limit_continues_in_the_next(s3):
    children = [child(str(i), "x" * 10) for i in range(5)]   # each output is 12 bytes of JSON
    details = write(children, {"Transformation": "COMPACT"}, max_file_bytes=39)
    files = manifest(s3, details)["ResultFiles"]["SUCCEEDED"]
    assert [f["Key"].rsplit("/", 1)[1] for f in files] == [
        "SUCCEEDED_0.json", "SUCCEEDED_1.json", "SUCCEEDED_2.json"]
    contents = [json.loads(body(s3, f["Key"])) for f in files]
    assert contents == [["x" * 10] * 2, ["x" * 10] * 2, ["x" * 10]]
    assert [f["Size"] for f in files] == [27, 27, 14]


def test_without_prefix_the_run_folder_is_at_the_bucket_root(s3):
    assert write([child("a", 1)], prefix=None)["Key"] == f"{RUN_ID}/manifest.json"
    assert write([child("a", 1)], prefix="jobs/")["Key"] == f"jobs/{RUN_ID}/manifest.json"


def test_a_missing_bucket_fails_with_result_writer_failed(s3):
    with pytest.raises(StatesError) as raised:
        write_results(MotoS3Store(REGION), bucket="nobucket", prefix="p", map_run_arn=MAP_RUN_ARN,
                      writer_config=None, children=[child("a", 1)])
    assert raised.value.error == "States.ResultWriterFailed"
    assert raised.value.cause.startswith("The specified bucket does not exist (Service: S3")


def test_an_unknown_output_type_fails(s3):
    with pytest.raises(StatesError) as raised:
        write([child("a", 1)], {"OutputType": "CSV"})
    assert (raised.value.error, raised.value.cause) == (
        "States.ResultWriterFailed", 'Unsupported OutputType "CSV": expected JSON or JSONL')


def test_results_can_be_written_to_local_folders(tmp_path):
    (tmp_path / "results").mkdir()
    details = write_results(LocalS3Store(tmp_path), bucket="results", prefix="out",
                            map_run_arn=MAP_RUN_ARN, writer_config={"Transformation": "COMPACT"},
                            children=[child("a", {"n": 1})])
    assert json.loads((tmp_path / "results" / details["Key"]).read_text())["ResultFiles"][
        "SUCCEEDED"][0]["Key"] == f"out/{RUN_ID}/SUCCEEDED_0.json"
    assert (tmp_path / "results" / "out" / RUN_ID / "SUCCEEDED_0.json").read_text() == '[{"n":1}]'


def test_format_results_without_s3_compacts_by_default():
    assert format_results([child("a", ORDERS), child("b", 2)], None) == [ORDERS, 2]


def test_format_results_flatten_keeps_failed_children_whole():
    results = format_results([child("a", ORDERS), child("f", status="FAILED", error="E")],
                             {"Transformation": "FLATTEN", "OutputType": "JSON"})
    assert results[:2] == ORDERS
    assert (results[2]["Name"], results[2]["Error"], results[2]["Status"]) == ("f", "E", "FAILED")
