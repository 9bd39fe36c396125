"""The ``aslsim run`` command: in-process with click's CliRunner, and once as a real process."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aslsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEFINITION = ROOT / "statemachines" / "file_size_check.asl.json"
FIXTURES = ROOT / "fixtures" / "file_size_check"
MOCKS = FIXTURES / "mocks.json"
README_INPUT = '{"size": 3145728}'
PROCESSED = {"processed": True, "size": 3145728}
FULL_PATH = ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]


def invoke(*args):
    # click >= 8.2 keeps stdout and stderr apart: result.stdout / result.stderr
    return CliRunner().invoke(main, ["run", *map(str, args)])


def readme_command(*extra):
    return invoke(DEFINITION, "--input", README_INPUT, "--mocks", MOCKS, *extra)


def test_readme_command_prints_the_output_and_exits_0():
    result = readme_command()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == PROCESSED
    assert result.stderr == ""


def test_readme_command_as_a_real_process():
    """The README command, run exactly as a user would (but with this interpreter)."""
    proc = subprocess.run(
        [sys.executable, "-c", "from aslsim.cli import main; main()",
         "run", "statemachines/file_size_check.asl.json", "--input", README_INPUT,
         "--mocks", "fixtures/file_size_check/mocks.json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == PROCESSED
    assert "Traceback" not in proc.stderr


def test_failed_run_as_a_real_process_exits_1():
    proc = subprocess.run(
        [sys.executable, "-c", "from aslsim.cli import main; main()",
         "run", str(DEFINITION), "--input", README_INPUT,
         "--mocks", str(FIXTURES / "mocks_not_a_number.json")],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "UnexpectedFileSize" in proc.stderr
    assert "checkSize did not return a number of bytes" in proc.stderr
    assert proc.stdout == ""


def test_path_prints_the_states_entered():
    result = readme_command("--path")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-len(FULL_PATH):] == FULL_PATH
    # the output JSON comes first, then one state name a line
    assert json.loads("\n".join(lines[:-len(FULL_PATH)])) == PROCESSED


def test_format_json_prints_one_object():
    result = readme_command("--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"status", "output", "error", "cause", "path", "startDate", "stopDate"}
    assert document["status"] == "SUCCEEDED"
    assert document["output"] == PROCESSED
    assert document["error"] is None and document["cause"] is None
    assert document["path"] == FULL_PATH
    assert document["startDate"] == "2025-01-01T00:00:00.000Z"  # the default virtual start


def test_format_json_of_a_failed_run():
    result = invoke(DEFINITION, "--input", README_INPUT,
                    "--mocks", FIXTURES / "mocks_not_a_number.json", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["status"] == "FAILED"
    assert document["output"] is None
    assert document["error"] == "UnexpectedFileSize"
    assert document["cause"] == "checkSize did not return a number of bytes"
    assert document["path"] == ["CheckFileSize", "ChoiceState", "DefaultState"]


def test_history_prints_the_events():
    result = readme_command("--history")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert isinstance(events, list)
    assert events[0]["type"] == "ExecutionStarted"
    assert events[1]["type"] == "TaskStateEntered"
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == PROCESSED


def test_failed_run_exits_1_with_error_and_cause_on_stderr():
    result = invoke(DEFINITION, "--input", README_INPUT,
                    "--mocks", FIXTURES / "mocks_not_a_number.json")
    assert result.exit_code == 1
    assert "FAILED" in result.stderr
    assert "UnexpectedFileSize" in result.stderr
    assert "checkSize did not return a number of bytes" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("mocks, output", [("mocks_small.json", 1048576),
                                           ("mocks_exactly_2mb.json", 2097152)])
def test_too_small_cases(mocks, output):
    result = invoke(DEFINITION, "--input", README_INPUT, "--mocks", FIXTURES / mocks, "--path")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [str(output), "CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]


def test_invalid_definition_exits_2_naming_file_state_and_field(tmp_path):
    broken = tmp_path / "broken.asl.json"
    broken.write_text(json.dumps({
        "StartAt": "First",
        "States": {"First": {"Type": "Pass", "Next": "Nowhere"}},
    }), encoding="utf-8")
    result = invoke(broken, "--input", "{}")
    assert result.exit_code == 2
    message = result.stderr
    assert str(broken) in message
    assert "First" in message  # the state
    assert "Next" in message  # the field
    assert "Nowhere" in message
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_invalid_definition_as_a_real_process_has_no_traceback(tmp_path):
    broken = tmp_path / "broken.asl.json"
    broken.write_text('{"StartAt": "First", "States": {"First": {"Type": "Pass", "Next": "Nowhere"}}}',
                      encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "from aslsim.cli import main; main()",
                           "run", str(broken)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert str(broken) in proc.stderr and "First" in proc.stderr and "Next" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_definition_that_is_not_json_exits_2(tmp_path):
    broken = tmp_path / "garbage.asl.json"
    broken.write_text('{"StartAt": "A", "States": {', encoding="utf-8")
    result = invoke(broken)
    assert result.exit_code == 2
    assert str(broken) in result.stderr
    assert "Traceback" not in result.output


def test_missing_definition_file_exits_2(tmp_path):
    missing = tmp_path / "missing.asl.json"
    result = invoke(missing)
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_invalid_input_json_exits_2_naming_input():
    result = invoke(DEFINITION, "--input", "{size: 3}", "--mocks", MOCKS)
    assert result.exit_code == 2
    assert "--input" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [
    '{"CheckFileSize": {"returns": 3145728}}',           # misspelt key
    '{"CheckFileSize": 3145728}',                         # answer is not an object
    '{"CheckFileSize": {"return": 1, "throw": {"Error": "E"}}}',  # both
    '[{"CheckFileSize": {"return": 1}}]',                 # not an object at all
    '{"CheckFileSize": {"return": 1',                     # not JSON
])
def test_mocks_file_with_a_bad_shape_exits_2_naming_the_file(tmp_path, content):
    bad = tmp_path / "bad_mocks.json"
    bad.write_text(content, encoding="utf-8")
    result = invoke(DEFINITION, "--input", README_INPUT, "--mocks", bad)
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert "Traceback" not in result.output


def test_start_time_shows_in_start_date():
    result = readme_command("--start-time", "2030-01-01T00:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["startDate"] == "2030-01-01T00:00:00.000Z"
    assert document["stopDate"] == "2030-01-01T00:00:00.000Z"  # mocks take no virtual time


def test_start_time_shows_in_history_timestamps():
    result = readme_command("--start-time", "2030-01-01T00:00:00Z", "--history")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert {e["timestamp"] for e in events} == {"2030-01-01T00:00:00.000Z"}


def test_invalid_start_time_exits_2():
    result = readme_command("--start-time", "not-a-time")
    assert result.exit_code == 2
    assert "not-a-time" in result.stderr


def test_input_null_is_the_null_input():
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    result = invoke(definition, "--input", "null")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) is None


def test_input_file():
    result = invoke(DEFINITION, "--input-file", FIXTURES / "input.json", "--mocks", MOCKS,
                    "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["output"] == PROCESSED
    assert document["path"] == FULL_PATH


def test_input_file_is_what_the_first_task_receives():
    result = invoke(DEFINITION, "--input-file", FIXTURES / "input.json", "--mocks", MOCKS,
                    "--history")
    events = json.loads(result.stdout)
    started = events[0]["executionStartedEventDetails"]
    assert json.loads(started["input"]) == json.loads((FIXTURES / "input.json").read_text())


def test_input_file_that_is_not_json_exits_2_naming_it(tmp_path):
    bad = tmp_path / "input.json"
    bad.write_text("{not json", encoding="utf-8")
    result = invoke(DEFINITION, "--input-file", bad, "--mocks", MOCKS)
    assert result.exit_code == 2
    assert str(bad) in result.stderr


def test_input_and_input_file_together_exit_2():
    result = invoke(DEFINITION, "--input", README_INPUT, "--input-file", FIXTURES / "input.json",
                    "--mocks", MOCKS)
    assert result.exit_code == 2
    assert "--input" in result.stderr


def test_lambda_option_runs_a_local_handler_relative_to_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / "fn.py").write_text("def handler(event, context):\n"
                                    "    return {'size': event['size'] * 2, 'name': context.function_name}\n")
    (tmp_path / "m.json").write_text(json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "End": True}}}))
    monkeypatch.chdir(tmp_path)
    result = invoke("m.json", "--input", '{"size": 2}', "--lambda", "double=fn.py:handler")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"size": 4, "name": "double"}


def test_a_malformed_lambda_option_exits_2_with_a_message():
    result = invoke(DEFINITION, "--lambda", "nohandler")
    assert result.exit_code == 2
    assert "--lambda 'nohandler': expected FUNCTION=HANDLER" in result.stderr


def test_aws_moto_option_answers_tasks_with_an_empty_in_memory_aws(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps({"StartAt": "Make", "States": {
        "Make": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:createBucket",
                 "Parameters": {"Bucket": "made-by-aslsim"}, "ResultPath": None, "Next": "List"},
        "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                 "OutputPath": "$.Buckets[*].Name", "End": True}}}))
    result = invoke(tmp_path / "m.json", "--aws", "moto")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == ["made-by-aslsim"]
