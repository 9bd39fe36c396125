"""serverless.yml (the serverless-step-functions plugin) and Terraform's aws_sfn_state_machine,
read as those tools would deploy them."""
import textwrap

import pytest

import aslsim
from aslsim.validate import validate_paths

SERVERLESS = textwrap.dedent("""\
    service: orders
    provider:
      name: aws
      stage: ${opt:stage, 'dev'}
    custom:
      delay: 30
    functions:
      hello:
        handler: handler.hello
    stepFunctions:
      stateMachines:
        helloFlow:
          name: hello-${sls:stage}
          type: EXPRESS
          definition:
            StartAt: Hello
            States:
              Hello:
                Type: Task
                Resource:
                  Fn::GetAtt: [hello, Arn]
                Next: Pause
              Pause:
                Type: Wait
                Seconds: ${self:custom.delay}
                Next: Done
              Done:
                Type: Pass
                Result: "#{AWS::Region}"
                End: true
        fromFile:
          definition: ${file(./flows/second.asl.yml)}
    """)


def test_a_serverless_definition_resolves_variables_and_function_references(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "second.asl.yml").write_text("StartAt: Only\nStates:\n  Only:\n"
                                                      "    Type: Succeed\n")
    path = tmp_path / "serverless.yml"
    path.write_text(SERVERLESS)
    machine = aslsim.load(path, state_machine="hello-dev")
    states = machine.definition["States"]
    assert states["Hello"]["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:orders-dev-hello"
    assert states["Pause"]["Seconds"] == 30
    assert machine.name == "hello-dev" and machine.type == "EXPRESS"
    execution = machine.run({}, mocks={"orders-dev-hello": {"return": 1}})
    assert execution.status == "SUCCEEDED" and execution.output == "us-east-1"
    assert aslsim.load(path, state_machine="fromFile").run().status == "SUCCEEDED"
    # the stage option: --sub stage=prod
    prod = aslsim.load(path, state_machine="helloFlow", substitutions={"stage": "prod"})
    assert prod.name == "hello-prod"
    assert [r.errors for r in validate_paths([str(path)])] == [[], []]


TERRAFORM = textwrap.dedent("""\
    variable "env" {
      default = "dev"
    }
    locals {
      prefix = "orders-${var.env}"
    }
    resource "aws_lambda_function" "check" {
      function_name = "${local.prefix}-check"
    }
    resource "aws_sfn_state_machine" "from_template" {
      name       = local.prefix
      role_arn   = aws_iam_role.sfn.arn
      type       = "EXPRESS"
      definition = templatefile("${path.module}/statemachine.asl.json", {
        CheckArn = aws_lambda_function.check.arn
        Timeout  = 30
      })
    }
    resource "aws_sfn_state_machine" "inline" {
      name     = "inline"
      role_arn = "arn:aws:iam::123456789012:role/r"
      definition = jsonencode({
        StartAt = "Check"
        States = {
          Check = { Type = "Task", Resource = aws_lambda_function.check.arn, End = true }
        }
      })
    }
    resource "aws_sfn_state_machine" "heredoc" {
      name     = "heredoc"
      role_arn = "arn:aws:iam::123456789012:role/r"
      definition = <<EOF
    {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "${data.aws_region.current.name}", "End": true}}}
    EOF
    }
    """)
TEMPLATE = ('{"StartAt": "Check", "States": {"Check": {"Type": "Task", "Resource": "${CheckArn}",\n'
            ' "TimeoutSeconds": ${Timeout}, "Nxt": "x", "End": true}}}\n')


@pytest.fixture
def terraform(tmp_path):
    (tmp_path / "statemachine.asl.json").write_text(TEMPLATE.replace('"Nxt": "x", ', ""))
    path = tmp_path / "main.tf"
    path.write_text(TERRAFORM)
    return path


def test_terraform_templatefile_jsonencode_and_heredoc_definitions(terraform):
    machine = aslsim.load(terraform, state_machine="orders-dev")
    check = machine.definition["States"]["Check"]
    assert check == {"Type": "Task", "End": True, "TimeoutSeconds": 30,
                     "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders-dev-check"}
    assert machine.type == "EXPRESS"
    assert machine.run({}, mocks={"orders-dev-check": {"return": 2}}).output == 2
    inline = aslsim.load(terraform, state_machine="inline")
    assert inline.definition["States"]["Check"]["Resource"].endswith(":function:orders-dev-check")
    assert aslsim.load(terraform, state_machine="heredoc").run().output == "us-east-1"
    # a Terraform variable given with --sub / substitutions
    assert aslsim.load(terraform, state_machine="from_template",
                       substitutions={"env": "prod"}).name == "orders-prod"


def test_terraform_positions_are_those_of_the_template_file(terraform):
    (terraform.parent / "statemachine.asl.json").write_text(TEMPLATE)
    result = next(r for r in validate_paths([str(terraform)]) if r.file.endswith("#from_template"))
    [error] = result.errors
    assert (error.code, error.file, error.line, error.column) == (
        "ASL102", str(terraform.parent / "statemachine.asl.json"), 2, 32)


def test_a_terraform_expression_that_cannot_be_evaluated_offline_says_so(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_sfn_state_machine" "m" {\n  name = "m"\n'
                    '  definition = data.external.build.result\n}\n')
    with pytest.raises(aslsim.DefinitionError, match="cannot be evaluated offline"):
        aslsim.load(path)


def test_broken_hcl_is_a_definition_error_naming_the_file(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_sfn_state_machine" "m" {\n  name = \n}\n')
    with pytest.raises(aslsim.DefinitionError, match="main.tf: not valid Terraform"):
        aslsim.load(path)
