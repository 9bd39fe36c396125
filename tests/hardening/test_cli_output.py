"""After a run: printing the result and writing the report fail clearly, never with a traceback;
``--history --format json`` holds the history; no output ever holds NaN."""
import json
import subprocess
import sys

import pytest

from helpers_hardening import assert_clear_refusal, cli

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": "é☃"}, "End": True}}}
# States.StringToJson reads JSON text, whose \ud800 escape is a lone surrogate in the output
SURROGATE = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True,
                                              "Parameters": {"v.$": "States.StringToJson($.s)"}}}}
SURROGATE_INPUT = json.dumps({"s": '"\\ud800"'})


@pytest.fixture
def definition(write):
    return write("pass.asl.json", json.dumps(PASS))


def test_history_with_format_json_holds_the_status_and_the_history(definition):
    result = cli("run", definition, "--history", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["status"] == "SUCCEEDED" and document["output"] == {"a": "é☃"}
    assert [e["type"] for e in document["history"]] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]


def test_format_json_without_history_has_no_history(definition):
    assert "history" not in json.loads(cli("run", definition, "--format", "json").stdout)


def test_a_closed_standard_output_is_exit_2_with_a_message(definition):
    process = subprocess.Popen([sys.executable, "-m", "aslsim.cli", "run", str(definition), "--history"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()                 # nobody reads: every write is a broken pipe
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 2
    assert "aslsim: cannot write the output: Broken pipe" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_a_report_that_cannot_be_written_is_exit_2(definition, write):
    blocker = write("file", "not a folder")
    assert_clear_refusal(cli("run", definition, "--report", blocker / "r.html"), "--report: cannot write")


def test_a_failing_report_is_an_internal_error_message_not_a_traceback(definition, tmp_path, monkeypatch):
    from aslsim.render import report

    def broken(*args):
        raise KeyError("oops")
    monkeypatch.setattr(report, "render_html", broken)
    result = cli("run", definition, "--report", tmp_path / "r.html")
    assert result.exit_code == 3
    assert "aslsim: internal error: KeyError: 'oops'" in result.stderr
    assert json.loads(result.stdout) == {"a": "é☃"}        # the run's output was printed first


def test_a_lone_surrogate_made_by_an_intrinsic_is_printed_escaped_and_reported(write, tmp_path):
    path = write("s.asl.json", json.dumps(SURROGATE))
    result = cli("run", path, "--input", SURROGATE_INPUT, "--report", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    assert '"v": "\\ud800"' in result.stdout
    assert json.loads(result.stdout) == {"v": "\ud800"}
    assert "\\ud800" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_the_output_never_holds_nan(write):
    for text in ('{"a": NaN}', '{"a": 1e999}'):
        result = cli("run", write("p.asl.json", json.dumps(PASS)), "--input", text, "--format", "json")
        assert result.exit_code == 2 and "NaN" not in result.stdout
