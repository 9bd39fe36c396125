"""``aslsim test``: runs the case files under pytest, nothing else, and exits 0 or 1."""
import sys

from click.testing import CliRunner

from aslsim.testing.cli_test import test_command as aslsim_test

PASSING = """
machine: file_size_check.asl.json
cases:
  - name: small
    mocks: {CheckFileSize: {return: 1}}
    expect: {status: SUCCEEDED, path: [CheckFileSize, ChoiceState, NotifyFileTooSmall]}
"""
FAILING = PASSING.replace("NotifyFileTooSmall", "ProcessFile")


def test_passing_cases_exit_0_and_python_tests_are_left_alone(pytester, example):
    example("file_size_check")
    (pytester.path / "ok.aslsim.yaml").write_text(PASSING)
    pytester.makepyfile(test_python="def test_not_run(): raise AssertionError('ran')")
    pytester.makepyfile(test_broken="import no_such_module")   # not even imported
    result = CliRunner().invoke(aslsim_test, ["-v"])
    assert result.exit_code == 0, result.output
    assert "ok.aslsim.yaml::small PASSED" in result.output
    assert "test_python" not in result.output and "1 passed" in result.output


def test_a_failing_case_exits_1_with_the_readable_failure(pytester, example):
    example("file_size_check")
    (pytester.path / "bad.aslsim.yaml").write_text(FAILING)
    result = CliRunner().invoke(aslsim_test, [])
    assert result.exit_code == 1
    assert "the path is not as expected\n  in " in result.output
    assert "  expected: CheckFileSize → ChoiceState → ProcessFile" in result.output


def test_paths_and_pytest_options_are_passed_on(pytester, example):
    example("file_size_check")
    (pytester.path / "cases").mkdir()
    (pytester.path / "cases" / "ok.aslsim.yaml").write_text(
        PASSING.replace("file_size_check.asl.json", "../file_size_check.asl.json"))
    (pytester.path / "bad.aslsim.yaml").write_text(FAILING)
    assert CliRunner().invoke(aslsim_test, ["cases"]).exit_code == 0
    assert CliRunner().invoke(aslsim_test, ["-k", "nothing matches this"]).exit_code == 1
    result = CliRunner().invoke(aslsim_test, ["cases", "bad.aslsim.yaml", "-x", "-q"])
    assert result.exit_code == 1 and "1 failed, 1 passed" in result.output


def test_a_broken_case_file_or_no_case_at_all_exits_1(pytester):
    (pytester.path / "broken.aslsim.yaml").write_text("cases: 1\n")
    result = CliRunner().invoke(aslsim_test, [])
    assert result.exit_code == 1
    assert "broken.aslsim.yaml: 'cases' must be a non-empty list of cases" in result.output
    (pytester.path / "broken.aslsim.yaml").unlink()
    assert CliRunner().invoke(aslsim_test, []).exit_code == 1


def test_as_a_command_in_its_own_process(pytester, example):
    example("file_size_check")
    (pytester.path / "ok.aslsim.yaml").write_text(PASSING)
    command = "from aslsim.testing.cli_test import test_command; test_command()"
    assert pytester.run(sys.executable, "-c", command).ret == 0
    (pytester.path / "bad.aslsim.yaml").write_text(FAILING)
    result = pytester.run(sys.executable, "-c", command)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAILED bad.aslsim.yaml::small - the path*"])


def test_it_loads_the_plugin_where_pytest_autoloading_is_off(pytester, example, monkeypatch):
    example("file_size_check")
    (pytester.path / "ok.aslsim.yaml").write_text(PASSING)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    command = "from aslsim.testing.cli_test import test_command; test_command()"
    result = pytester.run(sys.executable, "-c", command)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*1 passed in*"])
    assert "warning" not in result.stdout.str()


def test_the_aslsim_command_prints_no_pytest_warning(pytester, example):
    """``aslsim test`` imports aslsim before pytest starts: pytest must not warn that it cannot
    rewrite the already-imported package, a warning the user can do nothing about."""
    example("file_size_check")
    (pytester.path / "ok.aslsim.yaml").write_text(PASSING)
    result = pytester.run(sys.executable, "-m", "aslsim.cli", "test")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*= 1 passed in*"])     # "1 passed, 2 warnings" before
    assert "warnings summary" not in result.stdout.str()
    assert "PytestAssertRewriteWarning" not in result.stdout.str() + result.stderr.str()


def test_the_projects_own_warning_filters_still_apply(pytester, example):
    example("file_size_check")
    (pytester.path / "ok.aslsim.yaml").write_text(PASSING)
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    result = pytester.run(sys.executable, "-m", "aslsim.cli", "test")
    assert result.ret == 0 and "1 passed" in result.stdout.str()
