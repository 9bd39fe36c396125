"""Case files (*.aslsim.yaml): collected by pytest, one test per case, with readable failures."""
import json

import pytest

from aslsim.testing import CaseFileError, read_cases

CASES = """
machine: file_size_check.asl.json
input: {size: 3145728}
cases:
  - name: three megabytes are processed
    mocks:
      CheckFileSize: {return: 3145728}
      ProcessFile: {return: {processed: true}, duration: 2}
    expect:
      status: SUCCEEDED
      output: {processed: true}
      path: [CheckFileSize, ChoiceState, ProcessFile, NotifyFileOk]
      not_visited: [DefaultState]
      calls:
        ProcessFile: {times: 1, with: 3145728, at: 0}
        CheckFileSize: 1

  - name: a string is not a number
    mocks: {CheckFileSize: {return: "3145728"}}
    expect:
      status: FAILED
      error: UnexpectedFileSize
      cause: checkSize did not return a number of bytes
      path_contains: [ChoiceState, DefaultState]
      calls: [CheckFileSize]
"""


def write_cases(pytester, text, name="file_size_check.aslsim.yaml"):
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_case_is_a_test_named_after_the_file_and_the_case(pytester, example):
    example("file_size_check")
    write_cases(pytester, CASES)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "file_size_check.aslsim.yaml::three megabytes are processed PASSED*",
        "file_size_check.aslsim.yaml::a string is not a number PASSED*",
    ])


def test_a_failing_case_says_what_happened_and_where_the_case_is(pytester, example):
    example("file_size_check")
    write_cases(pytester, CASES.replace("ChoiceState, ProcessFile, NotifyFileOk",
                                        "ChoiceState, NotifyFileTooSmall"))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*_ three megabytes are processed _*",
        "the path is not as expected",
        "  in */file_size_check.aslsim.yaml:5, case 'three megabytes are processed'",
        "  expected: CheckFileSize → ChoiceState → NotifyFileTooSmall",
        "  actual:   CheckFileSize → ChoiceState → ProcessFile → NotifyFileOk",
        "  first difference at step 3: expected \"NotifyFileTooSmall\", got \"ProcessFile\"",
        "",
        "what happened:",
        "  status  SUCCEEDED",
        "FAILED file_size_check.aslsim.yaml::three megabytes are processed - the path*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_expectations_are_checked_status_first(pytester, example):
    example("file_size_check")
    write_cases(pytester, """
        machine: file_size_check.asl.json
        cases:
          - name: wrong
            mocks: {CheckFileSize: {return: 1}}
            expect: {output: 2, status: FAILED}
    """.replace("\n        ", "\n"))
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["expected status FAILED, got SUCCEEDED"])


def test_k_selects_cases_by_name(pytester, example):
    example("file_size_check")
    write_cases(pytester, CASES)
    pytester.runpytest("-k", "string").assert_outcomes(passed=1, deselected=1)


def test_a_case_can_be_run_by_its_id(pytester, example):
    example("file_size_check")
    write_cases(pytester, CASES)
    pytester.runpytest("file_size_check.aslsim.yaml::a string is not a number").assert_outcomes(passed=1)


def test_machines_are_found_in_the_configured_folder_and_files_next_to_the_case_file(pytester, example):
    example("file_size_check", "statemachines")
    pytester.makeini("[pytest]\naslsim_statemachines = statemachines\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "big.json").write_text('{"size": 3145728}')
    (pytester.path / "tests" / "mocks.yaml").write_text("CheckFileSize: {return: 1}\n")
    write_cases(pytester, """
machine: file_size_check.asl.json
cases:
  - name: from files
    input_file: big.json
    mocks: mocks.yaml
    start_time: "2025-02-25T19:12:58Z"
    expect:
      output: 1
      calls: {CheckFileSize: {with: {size: 3145728}, at: "2025-02-25T19:12:58Z"}}
""", "tests/files.aslsim.yaml")
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_case_field_replaces_the_file_default(tmp_path):
    path = tmp_path / "x.aslsim.yaml"
    path.write_text("""
machine: a.asl.json
input_file: input.json
seed: 1
cases:
  - name: inherits
  - name: replaces
    machine: b.asl.json
    input: {size: 1}
""")
    inherits, replaces = read_cases(path)
    assert inherits.run_options == {"machine": "a.asl.json", "input_file": "input.json", "seed": 1}
    assert replaces.run_options == {"machine": "b.asl.json", "input": {"size": 1}, "seed": 1}


def test_a_case_input_of_null_runs_with_null_and_no_input_with_an_empty_object(tmp_path):
    (tmp_path / "echo.asl.json").write_text(json.dumps({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}}))
    path = tmp_path / "x.aslsim.yaml"
    path.write_text("machine: echo.asl.json\ncases:\n  - name: null input\n    input: null\n"
                    "  - name: no input\n")
    given_null, absent = read_cases(path)
    assert given_null.run().output is None
    assert absent.run().output == {}


def test_a_mock_config_test_case(pytester, example):
    (pytester.path / "LambdaSQSIntegration.asl.json").write_text(json.dumps({
        "StartAt": "LambdaState", "States": {"LambdaState": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "GreetingFunction", "Payload.$": "$"},
            "ResultSelector": {"greeting.$": "$.Payload.body"}, "End": True}}}))
    (pytester.path / "MockConfigFile.json").write_text(json.dumps({
        "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"HappyPath": {
            "LambdaState": "GreetingOK"}}}},
        "MockedResponses": {"GreetingOK": {"0": {"Return": {"Payload": {"body": "Hello"}}}}}}))
    write_cases(pytester, """
machine: LambdaSQSIntegration.asl.json
mock_config: MockConfigFile.json
cases:
  - name: happy path
    test_case: HappyPath
    expect: {output: {greeting: Hello}}
""")
    pytester.runpytest().assert_outcomes(passed=1)


def test_yaml_reads_as_json_would(tmp_path):
    """Dates stay strings and yes/no/on/off are strings: only true/false are booleans."""
    path = tmp_path / "x.aslsim.yaml"
    path.write_text("""
machine: m.asl.json
cases:
  - name: values
    input: {date: 2025-01-01, answer: no, state: On, flag: true}
""")
    assert read_cases(path)[0].run_options["input"] == {
        "date": "2025-01-01", "answer": "no", "state": "On", "flag": True}


@pytest.mark.parametrize("text, message", [
    ("cases:\n  - name: x\n    input: {a: 1\n",
     "not valid YAML: expected ',' or '}', but got '<stream end>' at line 4, column 1"),
    ("- 1\n", "a case file is an object with a 'cases' list (see docs/testing.md)"),
    ("cases: []\n", "'cases' must be a non-empty list of cases"),
    ("cases:\n  - input: 1\n", ", case 1 (line 2): 'name' is required, a non-empty string"),
    ("cases:\n  - name: a\n", ":2, case 'a': no 'machine' (give it on the case or at the top of the file)"),
    ("machine: m\ncases:\n  - name: a\n  - name: a\n", ":4: the case name 'a' is used twice; names are test ids"),
    ("machine: m\ncases:\n  - name: a\n    mock: {}\n",
     ":3, case 'a': unknown field 'mock' (did you mean 'mocks'?); expected one of account, execution_type, expect, input, "
     "input_file, machine, machine_name, mock_config, mocks, name, region, seed, start_time, state_machine, "
     "stop_after, substitutions, test_case"),
    ("machine: m\ncases:\n  - name: a\n    expect: {status: OK}\n",
     "expect.status must be one of SUCCEEDED, FAILED, TIMED_OUT, ABORTED"),
    ("machine: m\ncases:\n  - name: a\n    expect: {paths: []}\n",
     ", expect: unknown field 'paths' (did you mean 'path'?)"),
    ("machine: m\ncases:\n  - name: a\n    expect: {calls: {A: {time: 1}}}\n",
     "expect.calls.A must be a number of calls or an object with 'times', 'with' and/or 'at'"),
    ("machine: m\ncases:\n  - name: a\n    mocks: {A: 1, A: 2}\n",
     "not valid YAML: duplicate key 'A' at line 4, column 19"),
    ("machine: m\ncases:\n  - name: a\n    test_case: T\n", "'test_case' names a test case of a mock config"),
])
def test_a_broken_case_file_is_refused_naming_the_file_and_the_problem(tmp_path, text, message):
    path = tmp_path / "broken.aslsim.yaml"
    path.write_text(text)
    with pytest.raises(CaseFileError) as caught:
        read_cases(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_bad_yaml_is_a_collection_error_naming_the_file(pytester):
    write_cases(pytester, "cases:\n  - name: x\n    input: {a: 1\n", "broken.aslsim.yaml")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*_ ERROR collecting broken.aslsim.yaml _*",
        "*/broken.aslsim.yaml: not valid YAML: expected ',' or '}', but got '<stream end>' at line 4, column 1",
    ])
    assert "Traceback" not in result.stdout.str()


def test_a_missing_machine_fails_the_case_with_the_places_looked_at(pytester):
    write_cases(pytester, "machine: nowhere.asl.json\ncases:\n  - name: a\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["state machine 'nowhere.asl.json' not found; looked for:",
                                 f"  {pytester.path}/nowhere.asl.json"])


def test_an_invalid_mock_fails_the_case_naming_it(pytester, example):
    example("file_size_check")
    write_cases(pytester, "machine: file_size_check.asl.json\ncases:\n"
                          "  - name: a\n    mocks: {CheckFileSize: {returns: 1}}\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*file_size_check.aslsim.yaml:3, case 'a': mock 'CheckFileSize': "
                                 "a mock answer needs exactly one of 'return', 'throw' or 'call'*"])


def test_json_case_files_are_collected_too(pytester, example):
    example("file_size_check")
    write_cases(pytester, json.dumps({"machine": "file_size_check.asl.json", "cases": [
        {"name": "small", "mocks": {"CheckFileSize": {"return": 1}}, "expect": {"output": 1}}]}),
        "small.aslsim.json")
    pytester.runpytest().assert_outcomes(passed=1)
