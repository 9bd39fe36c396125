"""Region and account per run and per test: run(region=, account=), aslsim run --region/--account,
the plugin's @pytest.mark.aslsim_aws(region=, account=) and ini aslsim_region/aslsim_account for
aslsim_run and aslsim_aws alike; and a hint when a failed Task names another region or account."""
import json

import boto3
import pytest
from moto import mock_aws

import aslsim
from helpers_hardening import cli

pytest_plugins = ["pytester"]


def publish(topic_arn):
    return {"StartAt": "Notify", "States": {"Notify": {
        "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True,
        "Parameters": {"TopicArn": topic_arn, "Message": "hello"}}}}


def test_the_run_is_in_its_region_and_account():
    machine = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True,
                                                            "Parameters": {"id.$": "$$.Execution.Id"}}}})
    execution = machine.run({}, region="eu-west-1", account="111122223333", name="n")
    assert execution.output["id"] == "arn:aws:states:eu-west-1:111122223333:execution:StateMachine:n"


def test_moto_answers_in_the_runs_region_and_account():
    with mock_aws():
        topic = boto3.client("sns", region_name="eu-west-1").create_topic(Name="t")["TopicArn"]
        wrong = aslsim.load(publish(topic)).run({}, aws="moto")
        right = aslsim.load(publish(topic)).run({}, aws="moto", region="eu-west-1")
    assert (wrong.status, right.status) == ("FAILED", "SUCCEEDED")
    from aslsim.services.regions import mismatch_hints
    assert mismatch_hints(wrong.calls, wrong.execution_arn) == [
        f"the Task state 'Notify' failed and names region eu-west-1 ({topic}); the run is in "
        "us-east-1: run it there with region='eu-west-1' (--region eu-west-1; in pytest "
        "@pytest.mark.aslsim_aws(region='eu-west-1') or the ini aslsim_region)"]
    assert mismatch_hints(right.calls, right.execution_arn) == []


def test_another_account_in_moto():
    with mock_aws():
        from aslsim.services.moto_backend import on_account
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        on_account(dynamodb, "111122223333")
        dynamodb.create_table(TableName="t", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST")
        machine = aslsim.load({"StartAt": "Put", "States": {"Put": {
            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True,
            "Parameters": {"TableName": "t", "Item": {"id": {"S": "1"}}}}}})
        assert machine.run({}, aws="moto", account="111122223333").status == "SUCCEEDED"
        assert machine.run({}, aws="moto").error == "DynamoDB.ResourceNotFoundException"


def test_a_failed_task_naming_another_account_gets_a_hint():
    from aslsim.services.regions import mismatch_hints
    calls = [{"state": "Notify", "resource": "arn:aws:states:::sns:publish", "error": "SNS.NotFoundException",
              "parameters": {"TopicArn": "arn:aws:sns:us-east-1:111122223333:t"}},
             {"state": "Fine", "resource": "arn:aws:states:::sns:publish", "error": None,
              "parameters": {"TopicArn": "arn:aws:sns:eu-west-1:111122223333:t"}}]
    hints = mismatch_hints(calls, "arn:aws:states:us-east-1:123456789012:execution:M:n")
    assert hints == ["the Task state 'Notify' failed and names account 111122223333 "
                     "(arn:aws:sns:us-east-1:111122223333:t); the run is in account 123456789012: run it "
                     "there with account='111122223333' (--account 111122223333; in pytest "
                     "@pytest.mark.aslsim_aws(account='111122223333') or the ini aslsim_account)"]


@pytest.mark.parametrize("value", ["12345", 123456789012, "abcdefghijkl"])
def test_an_account_that_is_not_12_digits_is_refused(value):
    with pytest.raises(aslsim.InputError, match="account must be a 12-digit AWS account id"):
        aslsim.load(publish("x")).run({}, account=value)


def test_the_cli_runs_in_the_given_region_and_hints_when_a_task_fails_elsewhere(write):
    definition = write("m.asl.json", json.dumps(publish("arn:aws:sns:eu-west-1:123456789012:missing")))
    result = cli("run", definition, "--aws", "moto")
    assert result.exit_code == 1
    assert "hint: the Task state 'Notify' failed and names region eu-west-1" in result.stderr
    result = cli("run", definition, "--aws", "moto", "--region", "eu-west-1", "--format", "json")
    # the topic does not exist there either, but the run is where the ARN says: no hint
    assert "hint:" not in result.stderr
    assert json.loads(result.stdout)["status"] == "FAILED"


def test_the_plugin_takes_region_and_account_from_the_marker_and_the_ini(pytester):
    pytester.makeini("[pytest]\naslsim_region = eu-west-1\n")
    pytester.makepyfile(test_regions=f"""
        import json, pytest, aslsim

        DEFINITION = {json.dumps(publish("TOPIC"))!r}

        def machine(topic):
            return aslsim.load(DEFINITION.replace("TOPIC", topic))

        def test_the_ini_region(aslsim_aws, aslsim_run):
            assert aslsim_aws.region == "eu-west-1"
            topic = aslsim_aws.client("sns").create_topic(Name="t")["TopicArn"]
            assert topic.startswith("arn:aws:sns:eu-west-1:123456789012:")
            execution = aslsim_run({{}}, machine=machine(topic))
            assert execution.status == "SUCCEEDED", execution.cause

        @pytest.mark.aslsim_aws(region="ap-south-1", account="111122223333")
        def test_the_marker_wins(aslsim_aws, aslsim_run):
            topic = aslsim_aws.client("sns").create_topic(Name="t")["TopicArn"]
            assert topic.startswith("arn:aws:sns:ap-south-1:111122223333:")
            execution = aslsim_run({{}}, machine=machine(topic))
            assert execution.status == "SUCCEEDED", execution.cause
            assert execution.execution_arn.startswith("arn:aws:states:ap-south-1:111122223333:")

        def test_a_failure_in_another_region_says_so(aslsim_aws, aslsim_run):
            from aslsim.testing import assert_succeeded
            assert_succeeded(aslsim_run({{}}, machine=machine("arn:aws:sns:us-east-1:123456789012:t")))
        """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*hint    the Task state 'Notify' failed and names region us-east-1*"])


def test_a_case_file_takes_region_and_account(tmp_path):
    (tmp_path / "m.asl.json").write_text(json.dumps({"StartAt": "P", "States": {"P": {
        "Type": "Pass", "End": True, "Parameters": {"id.$": "$$.Execution.Id"}}}}))
    (tmp_path / "m.aslsim.yaml").write_text(
        "machine: m.asl.json\nregion: eu-west-1\naccount: '111122223333'\ncases:\n  - name: where\n"
        "    expect: {status: SUCCEEDED}\n")
    from aslsim.testing.cases import read_cases
    execution = read_cases(tmp_path / "m.aslsim.yaml")[0].run()
    assert execution.output["id"].startswith("arn:aws:states:eu-west-1:111122223333:execution:m:")
