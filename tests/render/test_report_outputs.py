"""Where reports come from: ``execution.report(path)``, ``aslsim run --report FILE`` and the
pytest plugin's ``--aslsim-report-dir DIR`` for failing workflow tests."""
import html
import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

import pytest

import aslsim
from aslsim.cli import main
from aslsim.render.report import summarise

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
FILE_SIZE_CHECK = ROOT / "statemachines" / "file_size_check.asl.json"
MOCKS = ROOT / "fixtures" / "file_size_check"
NOT_A_NUMBER = {"CheckFileSize": {"return": "3145728"}}


def embedded_data(page: str) -> dict:
    text = re.search(r'<script type="application/json" id="aslsim-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(text)


def test_execution_report_writes_one_page_with_the_graph_and_the_data(tmp_path):
    execution = aslsim.load(str(FILE_SIZE_CHECK)).run({"size": 1}, mocks=NOT_A_NUMBER)
    written = execution.report(tmp_path / "nested" / "run.html")
    assert written == tmp_path / "nested" / "run.html"
    page = written.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'data-state="DefaultState"' in page and "<svg" in page
    assert embedded_data(page) == json.loads(json.dumps(summarise(execution)))


def test_error_and_cause_are_escaped_in_the_page(tmp_path):
    machine = aslsim.load({"StartAt": "Stop", "States": {"Stop": {
        "Type": "Fail", "Error": "Bad<b>", "Cause": "</script><img src=x onerror=alert(1)>"}}})
    page = machine.run({"note": "</script>"}).report(tmp_path / "r.html").read_text()
    assert html.escape("</script><img src=x onerror=alert(1)>") in page
    assert "<img" not in page and page.count("</script>") == 2     # the data's and the code's
    assert embedded_data(page)["execution"]["input"] == {"note": "</script>"}


def test_cli_run_writes_the_report_and_keeps_its_exit_status(tmp_path):
    mocks = tmp_path / "mocks.json"
    mocks.write_text(json.dumps(NOT_A_NUMBER))
    target = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["run", str(FILE_SIZE_CHECK), "--input", '{"size": 1}',
                                       "--mocks", str(mocks), "--report", str(target)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["FAILED: UnexpectedFileSize",
                                          "cause: checkSize did not return a number of bytes",
                                          f"report: {target}"]
    assert embedded_data(target.read_text())["failedState"] == "DefaultState"


def test_cli_run_says_when_the_report_cannot_be_written(tmp_path):
    (tmp_path / "file").write_text("")
    result = CliRunner().invoke(main, ["run", str(FILE_SIZE_CHECK), "--mocks",
                                       str(MOCKS / "mocks.json"), "--report",
                                       str(tmp_path / "file" / "out.html")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"aslsim: --report: cannot write {tmp_path / 'file' / 'out.html'}: ")
    assert "Traceback" not in result.output


@pytest.fixture
def pytester(pytester, monkeypatch):
    """Inner pytest sessions skip plugins these checks do not need (set after pytester's own
    setup, which clears PYTEST_ADDOPTS)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest -p no:benchmark -p no:cacheprovider")
    return pytester


WORKFLOW_TESTS = """
import pytest

pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json")


def test_big_file_is_processed(aslsim_run):
    ex = aslsim_run({"size": 1}, mocks={"CheckFileSize": {"return": "3145728"}})
    assert ex.status == "SUCCEEDED"


def test_small_file(aslsim_run):
    assert aslsim_run({}, mocks={"CheckFileSize": {"return": 1}}).status == "SUCCEEDED"
"""


def test_plugin_writes_a_report_for_each_failing_workflow_test(pytester):
    shutil.copy(FILE_SIZE_CHECK, pytester.path)
    pytester.makepyfile(test_workflow=WORKFLOW_TESTS)
    result = pytester.runpytest_subprocess("--aslsim-report-dir", "reports")
    result.assert_outcomes(passed=1, failed=1)
    expected = pytester.path / "reports" / "test_workflow.py_test_big_file_is_processed.html"
    assert [p.name for p in (pytester.path / "reports").iterdir()] == [expected.name]
    result.stdout.fnmatch_lines([f"HTML report of the last execution: {expected}"])
    assert embedded_data(expected.read_text())["failedState"] == "DefaultState"


def test_plugin_writes_no_report_without_the_option(pytester):
    shutil.copy(FILE_SIZE_CHECK, pytester.path)
    pytester.makepyfile(test_workflow=WORKFLOW_TESTS)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1)
    assert "HTML report" not in result.stdout.str()
    assert not (pytester.path / "reports").exists()


def test_plugin_writes_a_report_for_a_failing_case_file_case(pytester):
    shutil.copy(FILE_SIZE_CHECK, pytester.path)
    (pytester.path / "sizes.aslsim.yaml").write_text(
        "machine: file_size_check.asl.json\n"
        "cases:\n"
        "  - name: text size\n"
        "    mocks: {CheckFileSize: {return: '3145728'}}\n"
        "    expect: {status: SUCCEEDED}\n")
    result = pytester.runpytest_subprocess("--aslsim-report-dir", "out")
    result.assert_outcomes(failed=1)
    [written] = (pytester.path / "out").iterdir()
    assert written.name == "sizes.aslsim.yaml_text_size.html"
    assert embedded_data(written.read_text())["execution"]["error"] == "UnexpectedFileSize"
