"""Distributed Map over S3 data in local folders (``s3=`` on run, ``--s3`` on the command line).

Sources: developer guide input-output-itemreader.md (JSONL, MaxItems), input-output-resultwriter.md
(the Map's output {"MapRunArn", "ResultWriterDetails"}, <Prefix>/<map run id>/manifest.json and
SUCCEEDED_0.json / FAILED_0.json); recorded AWS history (MapStateStarted length 0 with an ItemReader).
"""
import json

from click.testing import CliRunner

import aslsim
from aslsim.cli import main

PROCESSOR = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
             "StartAt": "Double", "States": {"Double": {"Type": "Pass", "End": True,
                                                        "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}}}}
DEFINITION = {"StartAt": "Map", "States": {"Map": {
    "Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "JSONL", "MaxItems": 3},
                   "Parameters": {"Bucket": "data", "Key.$": "$.key"}}}}}


def write_rows(root, count):
    (root / "data").mkdir()
    rows = "".join(json.dumps({"n": n}) + "\n" for n in range(count))
    (root / "data" / "rows.jsonl").write_text(rows)


def test_an_item_reader_reads_jsonl_rows_from_a_local_bucket_folder(tmp_path):
    write_rows(tmp_path, 5)
    ex = aslsim.load(DEFINITION).run({"key": "rows.jsonl"}, s3=tmp_path)
    assert ex.output == [{"n": 0}, {"n": 2}, {"n": 4}]
    assert ex.history[2]["mapStateStartedEventDetails"] == {"length": 0}
    assert ex.map_runs[0].total_items == 3


def test_a_missing_object_fails_the_map_run_with_item_reader_failed(tmp_path):
    write_rows(tmp_path, 1)
    ex = aslsim.load(DEFINITION).run({"key": "nothing.jsonl"}, s3=tmp_path)
    assert ex.error == "States.ItemReaderFailed"
    assert [e["type"] for e in ex.history][3:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed",
                                                   "ExecutionFailed"]


def test_a_result_writer_writes_the_manifest_and_result_files_to_the_folder(tmp_path):
    write_rows(tmp_path, 4)
    (tmp_path / "out").mkdir()
    definition = json.loads(json.dumps(DEFINITION))
    definition["States"]["Map"]["ResultWriter"] = {
        "Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"},
        "WriterConfig": {"OutputType": "JSON", "Transformation": "COMPACT"}}
    ex = aslsim.load(definition).run({"key": "rows.jsonl"}, s3=tmp_path)
    run = ex.map_runs[0]
    run_id = run.arn.rsplit(":", 1)[1]
    assert ex.output == {"MapRunArn": run.arn, "ResultWriterDetails": {
        "Bucket": "out", "Key": f"runs/{run_id}/manifest.json"}}
    manifest = json.loads((tmp_path / "out" / "runs" / run_id / "manifest.json").read_text())
    assert manifest["MapRunArn"] == run.arn
    assert [f["Key"] for f in manifest["ResultFiles"]["SUCCEEDED"]] == [f"runs/{run_id}/SUCCEEDED_0.json"]
    results = json.loads((tmp_path / "out" / "runs" / run_id / "SUCCEEDED_0.json").read_text())
    assert results == [{"n": 0}, {"n": 2}, {"n": 4}]


def test_the_command_line_reads_buckets_from_the_s3_folder(tmp_path):
    write_rows(tmp_path, 2)
    definition = tmp_path / "map.asl.json"
    definition.write_text(json.dumps(DEFINITION))
    result = CliRunner().invoke(main, ["run", str(definition), "--input", '{"key": "rows.jsonl"}',
                                       "--s3", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": 0}, {"n": 2}]
