"""``aslsim run --mock-config FILE --test-case NAME``, and SFN_MOCK_CONFIG as Step Functions Local reads it."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aslsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "mock_configs"
DEFINITION = FIXTURES / "LambdaSQSIntegration.asl.json"
CONFIG = FIXTURES / "MockConfigFile.json"
QUEUED = {"MD5OfMessageBody": "0f5d8a3c2b7e4e9f8a1c6d2b3e4f5a6b",
          "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}


@pytest.fixture(autouse=True)
def no_mock_config_in_the_environment(monkeypatch):
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["run", *map(str, args)], env=env)


def test_mock_config_and_test_case_run_the_happy_path():
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "HappyPath", "--path")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["LambdaState", "SQSState"]
    assert json.loads("\n".join(lines[:-2])) == QUEUED


def test_retry_path_history_shows_the_thrown_errors():
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "RetryPath", "--history")
    assert result.exit_code == 0, result.output
    failed = [e["taskFailedEventDetails"] for e in json.loads(result.stdout) if e["type"] == "TaskFailed"]
    assert [(f["error"], f["cause"]) for f in failed] == \
        [("Lambda.ResourceNotReadyException", "The function is still being created.")] * 3


def test_a_state_left_out_of_the_test_case_is_answered_by_the_mocks_file(tmp_path):
    mocks = tmp_path / "mocks.json"
    mocks.write_text(json.dumps({"SQSState": {"return": {"MessageId": "declared"}}}))
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "HybridPath", "--mocks", mocks)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"MessageId": "declared"}


def test_a_state_left_out_with_nothing_else_fails_with_exit_1():
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "HybridPath")
    assert result.exit_code == 1
    assert "FAILED: States.Runtime" in result.stderr
    assert "nothing answers the Task state 'SQSState'" in result.stderr


def test_responses_running_out_fail_with_exit_1_naming_the_response():
    result = invoke(FIXTURES / "ProcessEachOrder.asl.json", "--input", '{"orders": [1, 2]}',
                    "--mock-config", CONFIG, "--test-case", "TooFewResponses")
    assert result.exit_code == 1
    assert "MockedResponses.ChargeOnce" in result.stderr
    assert "this is invocation 1" in result.stderr


def test_sfn_mock_config_is_the_default_mock_config():
    result = invoke(DEFINITION, "--test-case", "HappyPath", env={"SFN_MOCK_CONFIG": str(CONFIG)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == QUEUED


def test_mock_config_flag_wins_over_sfn_mock_config(tmp_path):
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "HappyPath",
                    env={"SFN_MOCK_CONFIG": str(tmp_path / "missing.json")})
    assert result.exit_code == 0, result.output


def test_sfn_mock_config_without_a_test_case_mocks_nothing(tmp_path):
    """As in Step Functions Local, where an execution without #TestCase is not mocked."""
    mocks = tmp_path / "mocks.json"
    mocks.write_text(json.dumps({"LambdaState": {"return": {"Payload": {"body": "plain"}}},
                                 "SQSState": {"return": "sent"}}))
    result = invoke(DEFINITION, "--mocks", mocks, env={"SFN_MOCK_CONFIG": str(CONFIG)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == "sent"


def test_sfn_mock_config_as_a_real_process():
    proc = subprocess.run(
        [sys.executable, "-c", "from aslsim.cli import main; main()",
         "run", str(DEFINITION), "--test-case", "RetryPath"],
        env={**os.environ, "SFN_MOCK_CONFIG": str(CONFIG)}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == QUEUED


def test_state_machine_name_selects_the_entry_of_a_differently_named_file(tmp_path):
    renamed = tmp_path / "greeter.asl.json"
    shutil.copy(DEFINITION, renamed)
    refused = invoke(renamed, "--mock-config", CONFIG, "--test-case", "HappyPath")
    assert refused.exit_code == 2
    assert "no state machine named 'greeter'" in refused.stderr
    result = invoke(renamed, "--mock-config", CONFIG, "--test-case", "HappyPath",
                    "--state-machine-name", "LambdaSQSIntegration")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == QUEUED


def test_mock_config_without_test_case_exits_2_listing_the_test_cases():
    result = invoke(DEFINITION, "--mock-config", CONFIG)
    assert result.exit_code == 2
    assert "'HappyPath', 'RetryPath', 'HybridPath'" in result.stderr


def test_test_case_without_mock_config_exits_2():
    result = invoke(DEFINITION, "--test-case", "HappyPath")
    assert result.exit_code == 2
    assert result.stderr == ("aslsim: --test-case names a test case of a mock config: give "
                             "--mock-config FILE or set SFN_MOCK_CONFIG\n")


def test_unknown_test_case_exits_2():
    result = invoke(DEFINITION, "--mock-config", CONFIG, "--test-case", "SadPath")
    assert result.exit_code == 2
    assert "no test case named 'SadPath'" in result.stderr


@pytest.mark.parametrize("content, message", [
    (None, "cannot read the mock config file: No such file or directory"),
    ("{not json", "the mock config file is not valid JSON: Expecting property name"),
    (json.dumps({"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1}, "2": {"Return": 2}}}}),
     'MockedResponses.R."2": leaves a gap: no response for invocation 1'),
], ids=["missing", "not JSON", "a gap"])
def test_a_bad_mock_config_exits_2_naming_the_file(tmp_path, content, message):
    path = tmp_path / "MockConfigFile.json"
    if content is not None:
        path.write_text(content)
    result = invoke(DEFINITION, "--mock-config", path, "--test-case", "HappyPath")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"aslsim: {path}: {message}")
    assert "Traceback" not in result.output
