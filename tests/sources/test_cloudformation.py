"""CloudFormation and SAM templates (CDK's output included) run as CloudFormation would deploy
them: intrinsics resolved, DefinitionSubstitutions replaced in the text before it is parsed."""
import json
import textwrap

import pytest

import aslsim
from aslsim.validate import validate_paths

SAM = textwrap.dedent("""\
    AWSTemplateFormatVersion: '2010-09-09'
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      ReminderTimeout:
        Type: Number
        Default: 60
    Resources:
      CheckFunction:
        Type: AWS::Serverless::Function
        Properties:
          FunctionName: check-order
      Work:
        Type: AWS::StepFunctions::Activity
        Properties:
          Name: work
      Orders:
        Type: AWS::Serverless::StateMachine
        Properties:
          Name: orders-flow
          Type: EXPRESS
          DefinitionUri: statemachine/orders.asl.yaml
          DefinitionSubstitutions:
            Partition: !Ref AWS::Partition
            CheckArn: !GetAtt CheckFunction.Arn
            ReminderTimeout: !Ref ReminderTimeout
      Inline:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: Call
            States:
              Call:
                Type: Task
                Resource: !Sub arn:${AWS::Partition}:states:::lambda:invoke
                Parameters:
                  FunctionName: !Ref CheckFunction
                Next: Work
              Work:
                Type: Task
                Resource: !Ref Work
                End: true
    """)
ORDERS = textwrap.dedent("""\
    StartAt: Check
    States:
      Check:
        Type: Task
        Resource: ${CheckArn}
        Next: Sleep
      Sleep:
        Type: Wait
        Seconds: ${ReminderTimeout}
        Next: Submit
      Submit:
        Type: Task
        Resource: arn:${Partition}:states:::batch:submitJob.sync
        Parameters: {JobName: j, JobQueue: q, JobDefinition: d}
        End: true
    """)


@pytest.fixture
def template(tmp_path):
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / "orders.asl.yaml").write_text(ORDERS)
    path = tmp_path / "template.yaml"
    path.write_text(SAM)
    return path


def test_a_number_substituted_into_yaml_is_a_number_and_a_partition_placeholder_a_partition(template):
    machine = aslsim.load(template, state_machine="Orders")
    states = machine.definition["States"]
    assert states["Sleep"]["Seconds"] == 60          # the parameter's Default, substituted as text
    assert states["Submit"]["Resource"] == "arn:aws:states:::batch:submitJob.sync"
    assert states["Check"]["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:check-order"
    # the template's Name and Type
    assert machine.name == "orders-flow" and machine.type == "EXPRESS"
    execution = machine.run({}, mocks={"check-order": {"return": {}}, "Submit": {"return": {}}})
    assert execution.status == "SUCCEEDED"
    assert execution.execution_arn.startswith("arn:aws:states:us-east-1:123456789012:express:")


def test_intrinsics_in_an_inline_definition_are_resolved_first(template):
    machine = aslsim.load(template, state_machine="Inline")
    call, work = machine.definition["States"]["Call"], machine.definition["States"]["Work"]
    assert call["Resource"] == "arn:aws:states:::lambda:invoke"
    assert call["Parameters"] == {"FunctionName": "check-order"}   # Ref of a function: its name
    assert work["Resource"] == "arn:aws:states:us-east-1:123456789012:activity:work"
    execution = machine.run({}, mocks={"check-order": {"return": {"Payload": 1}},
                                       "Work": {"return": "done"}})
    assert execution.output == "done"


def test_the_machine_is_chosen_by_logical_id_or_name_and_never_guessed(template):
    assert aslsim.load(template, state_machine="orders-flow").name == "orders-flow"
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(template)
    assert "holds 2 state machines: Orders (orders-flow), Inline" in str(caught.value)
    with pytest.raises(aslsim.DefinitionError, match="no state machine named 'Order'"):
        aslsim.load(template, state_machine="Order")


def test_substitutions_override_the_templates_values(template):
    machine = aslsim.load(template, state_machine="Orders", substitutions={"ReminderTimeout": 5})
    assert machine.definition["States"]["Sleep"]["Seconds"] == 5


def test_validate_reports_no_false_error_on_the_template(template):
    results = validate_paths([str(template)])
    assert [(r.file.rsplit("#", 1)[1], r.errors) for r in results] == [("Orders", []), ("Inline", [])]


def test_cdk_output_with_a_fn_join_definition_string_loads_and_runs(tmp_path):
    definition = {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "@ARN@", "End": True}}}
    text = json.dumps(definition).split('"@ARN@"')
    template = {"Resources": {
        "Fn9270CBC0": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "StateMachine2E01A3A5": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": {"Fn::Join": ["", [text[0] + '"',
                                                   {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
                                                   '"' + text[1]]]}}}}}
    out = tmp_path / "cdk.out"
    out.mkdir()
    path = out / "Stack.template.json"
    path.write_text(json.dumps(template, indent=1))
    machine = aslsim.load(path)
    assert machine.name == "StateMachine2E01A3A5"
    assert machine.definition["States"]["Call"]["Resource"] == \
        "arn:aws:lambda:us-east-1:123456789012:function:Fn9270CBC0"
    assert machine.run({}, mocks={"Fn9270CBC0": {"return": 7}}).output == 7


def test_a_definition_on_s3_cannot_be_loaded_and_says_why(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
                    "      DefinitionUri: s3://bucket/flow.json\n")
    with pytest.raises(aslsim.DefinitionError, match="DefinitionUri points to S3"):
        aslsim.load(path)


def test_a_template_without_a_state_machine_is_refused(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    with pytest.raises(aslsim.DefinitionError, match="holds no state machine"):
        aslsim.load(path)


def test_a_plain_definition_with_placeholders_gets_documented_stand_ins(tmp_path):
    path = tmp_path / "flow.asl.json"
    path.write_text('{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${HelloArn}",'
                    ' "TimeoutSeconds": ${Timeout}, "Parameters": {"Table": "${TableName}"},'
                    ' "End": true}}}')
    machine = aslsim.load(path)
    task = machine.definition["States"]["A"]
    assert task["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:HelloArn"
    assert task["TimeoutSeconds"] == 1
    assert task["Parameters"] == {"Table": "${TableName}"}    # AWS would take that text as it is
    given = aslsim.load(path, substitutions={"Timeout": 30, "TableName": "orders"})
    assert given.definition["States"]["A"]["TimeoutSeconds"] == 30
    assert given.definition["States"]["A"]["Parameters"] == {"Table": "orders"}
