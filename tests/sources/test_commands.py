"""Every kind of file runs from the command line (run, graph, validate, test) and from pytest
(the plugin's machine fixtures), choosing the machine with --state-machine and values with --sub."""
import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from aslsim.cli import main

pytest_plugins = ["pytester"]

DEFINITION = {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "${CallArn}",
                                                   "TimeoutSeconds": "${Timeout}", "End": True}}}
KINDS = {
    "template.yaml": textwrap.dedent("""\
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {FunctionName: call-me}
          First:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition:
                StartAt: Call
                States:
                  Call: {Type: Task, Resource: !GetAtt Fn.Arn, End: true}
          Second:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition:
                StartAt: Call
                States:
                  Call: {Type: Task, Resource: !GetAtt Fn.Arn, Next: Gone}
        """),
    "cdk.out/Stack.template.json": json.dumps({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "call-me"}},
        "First": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {
            "Fn::Join": ["", ['{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"',
                              {"Fn::GetAtt": ["Fn", "Arn"]}, '","End":true}}}']]}}},
        "Second": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            '{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"x","Next":"Gone"}}}'}}}}),
    "serverless.yml": textwrap.dedent("""\
        service: svc
        functions:
          call: {name: call-me, handler: h.h}
        stepFunctions:
          stateMachines:
            First:
              definition:
                StartAt: Call
                States:
                  Call: {Type: Task, Resource: {"Fn::GetAtt": [call, Arn]}, End: true}
            Second:
              definition:
                StartAt: Call
                States:
                  Call: {Type: Task, Resource: {"Fn::GetAtt": [call, Arn]}, Next: Gone}
        """),
    "main.tf": textwrap.dedent("""\
        resource "aws_lambda_function" "fn" {
          function_name = "call-me"
        }
        resource "aws_sfn_state_machine" "First" {
          name = "first"
          definition = jsonencode({StartAt = "Call", States = {Call = {Type = "Task", Resource = aws_lambda_function.fn.arn, End = true}}})
        }
        resource "aws_sfn_state_machine" "Second" {
          name = "second"
          definition = jsonencode({StartAt = "Call", States = {Call = {Type = "Task", Resource = aws_lambda_function.fn.arn, Next = "Gone"}}})
        }
        """),
}
MOCKS = {"call-me": {"return": {"answered": True}}}


@pytest.fixture(params=sorted(KINDS))
def source(request, tmp_path):
    path = tmp_path / request.param
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(KINDS[request.param])
    (tmp_path / "mocks.json").write_text(json.dumps(MOCKS))
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_run_chooses_the_machine_and_runs_it(source):
    done = invoke("run", source, "--state-machine", "First", "--mocks", source.parent / "mocks.json"
                  if source.parent.name != "cdk.out" else source.parent.parent / "mocks.json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"answered": True}


def test_run_without_a_choice_names_every_machine_and_exits_2(source):
    done = invoke("run", source)
    assert done.exit_code == 2
    assert "holds 2 state machines: First" in done.output and "Second" in done.output


def test_graph_draws_the_chosen_machine(source):
    done = invoke("graph", source, "--state-machine", "First")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("flowchart TD") and '"Call"' in done.stdout


def test_validate_checks_every_machine_and_catches_the_broken_one(source):
    done = invoke("validate", source, "--format", "json")
    assert done.exit_code == 1, done.output
    files = {f["file"].rsplit("#", 1)[1]: [d["code"] for d in f["diagnostics"] if d["severity"] == "error"]
             for f in json.loads(done.stdout)["files"]}
    assert files["First"] == [] and "ASL201" in files["Second"]
    assert invoke("validate", source, "--state-machine", "First").exit_code == 0


def test_sub_gives_a_plain_definitions_placeholders_their_values(tmp_path):
    path = tmp_path / "flow.asl.json"
    path.write_text(json.dumps(DEFINITION).replace('"${Timeout}"', "${Timeout}"))
    (tmp_path / "mocks.json").write_text(json.dumps({"Call": {"return": 1, "duration": 3}}))
    done = invoke("run", path, "--sub", "Timeout=2", "--mocks", tmp_path / "mocks.json")
    assert done.exit_code == 1 and "States.Timeout" in done.output
    assert invoke("run", path, "--sub", "Timeout=5", "--mocks", tmp_path / "mocks.json").exit_code == 0
    assert invoke("run", path, "--sub", "Timeout").exit_code == 2


def test_the_older_state_machine_name_option_still_names_the_machine(tmp_path):
    path = tmp_path / "flow.asl.json"
    path.write_text(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
    done = invoke("run", path, "--state-machine-name", "Mine", "--format", "json")
    assert done.exit_code == 0
    done = invoke("run", path, "--state-machine", "A", "--state-machine-name", "B")
    assert done.exit_code == 2 and "not both" in done.output


def test_aslsim_test_runs_a_case_file_against_a_template(tmp_path):
    (tmp_path / "template.yaml").write_text(KINDS["template.yaml"])
    (tmp_path / "first.aslsim.yaml").write_text(textwrap.dedent("""\
        machine: template.yaml
        cases:
          - name: answered
            state_machine: First
            mocks: {call-me: {return: 1}}
            expect: {status: SUCCEEDED, output: 1}
          - name: chosen on the command line
            mocks: {call-me: {return: 2}}
            expect: {output: 2}
        """))
    done = subprocess.run([sys.executable, "-m", "aslsim.cli", "test", "--state-machine", "First",
                           "-p", "no:cacheprovider", "-q", str(tmp_path)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_the_plugin_marker_loads_a_machine_of_a_template(pytester):
    pytester.path.joinpath("template.yaml").write_text(KINDS["template.yaml"])
    pytester.makepyfile(test_flow="""
        import pytest

        @pytest.mark.aslsim_machine("template.yaml", state_machine="First")
        def test_first(aslsim_run, aslsim_mocks):
            aslsim_mocks.returns("call-me", 3)
            assert aslsim_run().output == 3

        def test_load_machine(load_machine):
            assert load_machine("template.yaml", "First").name == "First"
            with pytest.raises(Exception, match="Next 'Gone' does not name a state"):
                load_machine("template.yaml", "Second")
        """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
