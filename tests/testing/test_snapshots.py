"""Execution snapshots (aslsim_snapshot, --aslsim-snapshot-update)."""
import json

import pytest

MACHINE = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
                  "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 2}],
                  "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 60, "Next": "Done"},
        "Done": {"Type": "Pass", "End": True},
    },
}

# SIZE is rewritten by the tests to make a run differ from its snapshot.
TESTS = """
    import aslsim

    SIZE = {size}
    MACHINE = aslsim.load("flow.asl.json")

    def test_flow(aslsim_snapshot):
        run = MACHINE.run({{"id": "a"}}, mocks={{"Fetch": [{{"throw": {{"Error": "Throttled"}}}},
                                                         {{"return": {{"size": SIZE}}}}]}})
        aslsim_snapshot.assert_match(run)
"""

SNAPSHOT = "__snapshots__/test_flow/test_flow.json"


@pytest.fixture
def project(pytester):
    (pytester.path / "flow.asl.json").write_text(json.dumps(MACHINE))

    def write_tests(size=10):
        pytester.makepyfile(test_flow=TESTS.format(size=size))
    write_tests()
    pytester.write_tests = write_tests
    return pytester


def test_a_missing_snapshot_fails_and_says_how_to_create_it(project):
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*no snapshot at {SNAPSHOT}: run pytest with "
                                 "--aslsim-snapshot-update to create it*"])
    assert not (project.path / "__snapshots__").exists()


def test_update_writes_the_snapshot_and_later_runs_match_it(project):
    result = project.runpytest("--aslsim-snapshot-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"written: {SNAPSHOT}", "1 snapshot(s) written, 0 updated"])
    snapshot = json.loads((project.path / SNAPSHOT).read_text())
    assert list(snapshot) == ["status", "output", "error", "cause", "path", "history"]
    assert snapshot["status"] == "SUCCEEDED" and snapshot["output"] == {"size": 10}
    assert snapshot["path"] == ["Fetch", "Wait", "Done"]
    assert snapshot["history"][0]["type"] == "ExecutionStarted"
    # virtual time: the retry's 2 s and the 60 s wait, on the default start
    assert snapshot["history"][-1]["timestamp"] == "2025-01-01T00:01:02.000Z"
    project.runpytest().assert_outcomes(passed=1)


def test_a_mismatch_fails_with_a_diff_and_leaves_the_snapshot_alone(project):
    project.runpytest("--aslsim-snapshot-update").assert_outcomes(passed=1)
    before = (project.path / SNAPSHOT).read_text()
    project.write_tests(size=11)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        f"*the execution does not match the snapshot {SNAPSHOT} (run pytest with "
        "--aslsim-snapshot-update to accept this run):",
        f"--- {SNAPSHOT} (snapshot)", "+++ this run",
        '-    "size": 10', '+    "size": 11'])
    assert (project.path / SNAPSHOT).read_text() == before


def test_update_rewrites_a_snapshot_that_differs_and_only_that_one(project):
    project.runpytest("--aslsim-snapshot-update").assert_outcomes(passed=1)
    project.write_tests(size=11)
    result = project.runpytest("--aslsim-snapshot-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"updated: {SNAPSHOT}", "0 snapshot(s) written, 1 updated"])
    assert json.loads((project.path / SNAPSHOT).read_text())["output"] == {"size": 11}
    result = project.runpytest("--aslsim-snapshot-update")
    assert "aslsim snapshots" not in result.stdout.str()      # nothing written when it matches
    project.runpytest().assert_outcomes(passed=1)


def test_file_names_follow_module_class_test_parameters_and_name(pytester):
    pytester.makepyfile(**{"sub/test_names": """
        import aslsim
        import pytest

        MACHINE = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})

        class TestGroup:
            @pytest.mark.parametrize("value", ["a/b", "c"])
            def test_it(self, aslsim_snapshot, value):
                aslsim_snapshot.assert_match(MACHINE.run({"v": value}))
                aslsim_snapshot.assert_match(MACHINE.run({"v": 2}))
                aslsim_snapshot.assert_match(MACHINE.run({"v": 3}), name="third")
    """})
    pytester.runpytest("--aslsim-snapshot-update").assert_outcomes(passed=2)
    folder = pytester.path / "sub" / "__snapshots__" / "test_names"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TestGroup.test_it[a_b]-2.json", "TestGroup.test_it[a_b]-third.json",
        "TestGroup.test_it[a_b].json", "TestGroup.test_it[c]-2.json",
        "TestGroup.test_it[c]-third.json", "TestGroup.test_it[c].json"]
    assert json.loads((folder / "TestGroup.test_it[c]-third.json").read_text())["output"] == {"v": 3}
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_failed_execution_records_its_error_and_cause(pytester):
    pytester.makepyfile(test_fail="""
        import aslsim

        def test_fail(aslsim_snapshot):
            run = aslsim.load({"StartAt": "F", "States": {"F": {
                "Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}).run({})
            aslsim_snapshot.assert_match(run)
    """)
    pytester.runpytest("--aslsim-snapshot-update").assert_outcomes(passed=1)
    snapshot = json.loads((pytester.path / "__snapshots__/test_fail/test_fail.json").read_text())
    assert (snapshot["status"], snapshot["output"], snapshot["error"], snapshot["cause"]) == (
        "FAILED", None, "Boom", "it broke")
    assert snapshot["history"][-1]["type"] == "ExecutionFailed"


def test_two_processes_write_identical_snapshots(project, monkeypatch):
    # separate interpreters with different hash seeds: nothing may depend on set or dict luck
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    project.runpytest_subprocess("--aslsim-snapshot-update").assert_outcomes(passed=1)
    first = (project.path / SNAPSHOT).read_bytes()
    (project.path / SNAPSHOT).unlink()
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    project.runpytest_subprocess("--aslsim-snapshot-update").assert_outcomes(passed=1)
    assert (project.path / SNAPSHOT).read_bytes() == first
    assert b"executionStartedEventDetails" in first


def test_xdist_workers_report_what_they_wrote(project):
    project.makepyfile(test_second=TESTS.format(size=12))
    result = project.runpytest("-n", "2", "--aslsim-snapshot-update")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["written: __snapshots__/test_flow/test_flow.json",
                                 "written: __snapshots__/test_second/test_flow.json",
                                 "2 snapshot(s) written, 0 updated"])
