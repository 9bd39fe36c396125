"""``aws="moto"``: Tasks answered by moto's in-memory AWS and read back with ordinary boto3.

Expected shapes and texts are those AWS returned through Step Functions
(shared/conformance/cases.jsonl: test_dynamodb_put_get_item, test_base_integrations,
test_s3_put_object, test_s3_no_such_key, test_put_events_malformed_detail, ...).
"""
import hashlib
import json
import os
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.codebuild.models import CodeBuildBackend
from moto.core.models import botocore_stubber
from moto.glue.models import GlueBackend
from moto.moto_api import state_manager

import aslsim
from aslsim.services import moto_backend
from helpers import machine

REGION = "us-east-1"
ACCOUNT = "123456789012"


def task(resource, parameters, **fields):
    return {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "Parameters": parameters,
            "End": True, **fields}


def client(name):
    return boto3.client(name, region_name=REGION)


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def table(aws):
    client("dynamodb").create_table(
        TableName="cars", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    return "cars"


@pytest.fixture
def bucket(aws):
    client("s3").create_bucket(Bucket="bucket-name")
    return "bucket-name"


# ---------------------------------------------------------------- DynamoDB

def test_put_item_lands_in_the_tests_table(table):
    run = machine({"Put": task("dynamodb:putItem", {
        "TableName": table, "Item": {"id": {"S": "id1"}, "data": {"S.$": "$.data"}}})}
    ).run({"data": "HelloWorld"}, aws="moto")
    assert run.status == "SUCCEEDED"
    item = client("dynamodb").get_item(TableName=table, Key={"id": {"S": "id1"}})["Item"]
    assert item == {"id": {"S": "id1"}, "data": {"S": "HelloWorld"}}


def test_get_item_returns_the_recorded_shape(table):
    client("dynamodb").put_item(TableName=table,
                                Item={"id": {"S": "id1"}, "data": {"S": "string-literal"}})
    run = machine({"Get": task("dynamodb:getItem", {"TableName": table, "Key": {"id": {"S": "id1"}}})}
                  ).run({}, aws="moto")
    output = run.output
    request_id = output["SdkResponseMetadata"]["RequestId"]
    headers = {"Connection": "keep-alive", "Content-Length": "57",    # recorded: 57 bytes
               "Content-Type": "application/x-amz-json-1.0", "Date": "Wed, 01 Jan 2025 00:00:00 GMT",
               "Server": "Server", "x-amz-crc32": output["SdkHttpMetadata"]["HttpHeaders"]["x-amz-crc32"],
               "x-amzn-RequestId": request_id}
    assert output == {
        "Item": {"data": {"S": "string-literal"}, "id": {"S": "id1"}},
        "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()},
                            "HttpHeaders": headers, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def test_put_item_result_is_metadata_only(table):
    run = machine({"Put": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "a"}}})}
                  ).run({}, aws="moto")
    assert set(run.output) == {"SdkHttpMetadata", "SdkResponseMetadata"}
    assert run.output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "2"   # "{}"


def test_request_ids_are_the_same_on_every_run(table):
    m = machine({"Put": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "a"}}})})
    first, second = m.run({}, aws="moto"), m.run({}, aws="moto")
    assert first.output == second.output


def test_condition_failure_is_caught_with_aws_error_and_cause(table):
    client("dynamodb").put_item(TableName=table, Item={"id": {"S": "a"}})
    run = machine({
        "Put": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "a"}},
                                         "ConditionExpression": "attribute_not_exists(id)"},
                    Catch=[{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                            "Next": "Exists"}]),
        "Exists": {"Type": "Pass", "End": True}}).run({}, aws="moto")
    assert run.status == "SUCCEEDED"
    assert run.flat_path() == ["Put", "Exists"]
    assert run.output["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert run.output["Cause"].startswith(
        "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ConditionalCheckFailedException; Request ID: ")
    assert run.output["Cause"].endswith("; Proxy: null)")


def test_null_item_fails_as_recorded(table):
    run = machine({"Put": task("dynamodb:putItem", {"TableName": table, "Item.$": "$.Item"})}
                  ).run({"Item": None}, aws="moto")
    assert run.error == "DynamoDB.AmazonDynamoDBException"
    assert run.cause.startswith("1 validation error detected: Value null at 'item' failed to satisfy "
                                "constraint: Member must not be null (Service: AmazonDynamoDBv2; "
                                "Status Code: 400; Error Code: ValidationException; Request ID: ")


def test_aws_sdk_dynamodb_results_have_no_http_metadata(table):
    run = machine({
        "Put": task("aws-sdk:dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "id1"}}},
                    End=False, Next="Update", ResultPath="$.put"),
        "Update": task("aws-sdk:dynamodb:updateItem", {
            "TableName": table, "Key": {"id": {"S": "id1"}}, "UpdateExpression": "set S=:r",
            "ExpressionAttributeValues": {":r": {"S": "HelloWorldUpdated"}},
            "ReturnValues": "UPDATED_NEW"}, End=False, Next="Query", ResultPath="$.update"),
        "Query": task("aws-sdk:dynamodb:query", {
            "TableName": table, "KeyConditionExpression": "id = :id",
            "ExpressionAttributeValues": {":id": {"S": "id1"}}}, ResultPath="$.query"),
    }).run({}, aws="moto")
    assert run.output["put"] == {}
    assert run.output["update"] == {"Attributes": {"S": {"S": "HelloWorldUpdated"}}}   # recorded
    assert run.output["query"] == {"Count": 1, "ScannedCount": 1, "Items": [
        {"id": {"S": "id1"}, "S": {"S": "HelloWorldUpdated"}}]}


def test_aws_sdk_error_names_use_the_sdk_service_name(aws):
    run = machine({"Get": task("aws-sdk:dynamodb:getItem",
                               {"TableName": "missing", "Key": {"id": {"S": "a"}}})}).run({}, aws="moto")
    assert run.error == "DynamoDb.ResourceNotFoundException"
    assert run.cause.startswith("Requested resource not found (Service: DynamoDb, Status Code: 400, "
                                "Request ID: ")


# ---------------------------------------------------------------- SNS and SQS

def test_sns_publish_of_an_object_reaches_an_sqs_subscription(aws):
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="cars")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    run = machine({"Notify": task("sns:publish", {"TopicArn": topic, "Message": {"car": "A1"}})}
                  ).run({}, aws="moto")
    assert run.status == "SUCCEEDED"
    assert run.output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "294"   # recorded
    assert run.output["SdkHttpMetadata"]["HttpHeaders"]["Content-Type"] == "text/xml"
    messages = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert [m["Body"] for m in messages] == ['{"car":"A1"}']   # AWS sends the object as JSON text


def test_sns_publish_to_a_missing_topic_fails_with_the_sns_error(aws):
    run = machine({"Notify": task("sns:publish", {
        "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:missing", "Message": "hi"})}).run({}, aws="moto")
    assert run.error == "SNS.NotFoundException"
    assert "(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: " in run.cause


def test_sqs_send_message_body_object_is_json_text(aws):
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="orders")["QueueUrl"]
    run = machine({"Send": task("sqs:sendMessage", {"QueueUrl": queue, "MessageBody": {"order": 7}})}
                  ).run({}, aws="moto")
    body = '{"order":7}'
    assert run.output["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert run.output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "106"   # recorded
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=queue)["Messages"]] == [body]


def test_sqs_missing_body_fails_as_recorded(aws):
    queue = client("sqs").create_queue(QueueName="orders")["QueueUrl"]
    run = machine({"Send": task("sqs:sendMessage", {"QueueUrl": queue, "MessageBody.$": "$.body"})}
                  ).run({"body": None}, aws="moto")
    assert run.error == "SQS.AmazonSQSException"
    assert run.cause.startswith("The request must contain the parameter MessageBody. (Service: "
                                "AmazonSQS; Status Code: 400; Error Code: MissingParameter; ")


def test_sqs_wait_for_task_token_sends_the_token_and_waits_for_the_callback(aws):
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="work")["QueueUrl"]
    run = machine({"Wait": task("sqs:sendMessage.waitForTaskToken", {
        "QueueUrl": queue, "MessageBody": {"Message": "txt", "TaskToken.$": "$$.Task.Token"}})}
    ).run({}, aws="moto", callbacks={"Wait": aslsim.TaskSuccess({"done": True}, after=30)})
    assert run.status == "SUCCEEDED"
    assert run.output == {"done": True}
    assert run.stop_ms - run.start_ms == 30_000
    sent = json.loads(sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"])
    assert sent["Message"] == "txt" and sent["TaskToken"] == run.calls[0]["task_token"]
    submitted = next(e for e in run.history if e["type"] == "TaskSubmitted")
    assert set(json.loads(submitted["taskSubmittedEventDetails"]["output"])) == {
        "MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}


# ---------------------------------------------------------------- S3

def test_s3_put_then_get_object(bucket):
    run = machine({
        "Put": task("aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "k", "Body.$": "$.body"},
                    End=False, Next="Get", ResultPath="$.put"),
        "Get": task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "k"}, ResultPath="$.get"),
    }).run({"body": {"Dict": "Value"}}, aws="moto")
    # recorded test_s3_put_object[dict]: an object body is stored as its JSON text
    assert run.output["put"] == {"ChecksumCRC32": "hnEfWw==", "ChecksumType": "FULL_OBJECT",
                                 "ETag": '"49e31cee5aec8faf3345893addb14346"',
                                 "ServerSideEncryption": "AES256"}
    got = dict(run.output["get"])
    assert got.pop("LastModified").endswith("Z")
    assert got == {"AcceptRanges": "bytes", "Body": '{"Dict":"Value"}', "ContentLength": 16,
                   "ContentType": "binary/octet-stream", "ETag": '"49e31cee5aec8faf3345893addb14346"',
                   "Metadata": {}, "ServerSideEncryption": "AES256"}
    stored = client("s3").get_object(Bucket=bucket, Key="k")["Body"].read()
    assert stored == b'{"Dict":"Value"}'


def test_s3_put_object_stores_a_string_as_json_text(bucket):
    # recorded test_s3_put_object[str]: the ETag is the MD5 of "\"text data\""
    run = machine({"Put": task("aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "k", "Body": "text data"})}
                  ).run({}, aws="moto")
    assert run.output["ETag"] == '"2b5df3712557f503a9977a8ea893b2c9"'
    assert client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b'"text data"'


def test_s3_get_object_returns_the_body_as_text(bucket):
    client("s3").put_object(Bucket=bucket, Key="file_key", Body=b"byte array data")
    run = machine({"Get": task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "file_key"})}
                  ).run({}, aws="moto")
    assert run.output["Body"] == "byte array data"
    assert run.output["ContentLength"] == 15
    assert "ChecksumCRC32" not in run.output       # AWS returns checksums only with ChecksumMode


def test_s3_copy_list_and_delete(bucket):
    client("s3").put_object(Bucket=bucket, Key="a.txt", Body=b"hello")
    run = machine({
        "Copy": task("aws-sdk:s3:copyObject", {"Bucket": bucket, "Key": "b.txt",
                                               "CopySource": f"{bucket}/a.txt"},
                     End=False, Next="Delete", ResultPath="$.copy"),
        "Delete": task("aws-sdk:s3:deleteObject", {"Bucket": bucket, "Key": "a.txt"},
                       End=False, Next="List", ResultPath=None),
        "List": task("aws-sdk:s3:listObjectsV2", {"Bucket": bucket}, ResultPath="$.list"),
    }).run({}, aws="moto")
    assert run.status == "SUCCEEDED"
    assert run.output["copy"]["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"hello").hexdigest()}"'
    assert [o["Key"] for o in run.output["list"]["Contents"]] == ["b.txt"]
    assert run.output["list"]["KeyCount"] == 1
    assert client("s3").get_object(Bucket=bucket, Key="b.txt")["Body"].read() == b"hello"


def test_s3_missing_key_is_caught_by_its_sdk_error_name(bucket):
    run = machine({
        "Get": task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "no_such_key.json"},
                    Catch=[{"ErrorEquals": ["S3.NoSuchKeyException"], "Next": "Missing"}]),
        "Missing": {"Type": "Pass", "End": True}}).run({}, aws="moto")
    assert run.flat_path() == ["Get", "Missing"]
    cause = run.output["Cause"]
    assert cause.startswith("The specified key does not exist. (Service: S3, Status Code: 404, "
                            "Request ID: ")
    assert ", Extended Request ID: " in cause and cause.endswith(")")


def test_an_unmodelled_error_takes_the_service_exception_name(bucket):
    run = machine({"Policy": task("aws-sdk:s3:getBucketPolicy", {"Bucket": bucket})}).run({}, aws="moto")
    assert run.error == "S3.S3Exception"     # NoSuchBucketPolicy is not in S3's model


# ---------------------------------------------------------------- EventBridge

def test_put_events_sends_the_detail_object_as_json(aws):
    run = machine({"Put": task("events:putEvents", {"Entries": [
        {"Detail": {"Message": "string-literal"}, "DetailType": "detail-type", "Source": "some.source"}]})}
    ).run({}, aws="moto")
    assert run.output["FailedEntryCount"] == 0
    assert len(run.output["Entries"]) == 1 and set(run.output["Entries"][0]) == {"EventId"}


def test_put_events_with_a_malformed_detail_fails_as_recorded(aws):
    run = machine({"Put": task("events:putEvents", {"Entries": [
        {"Detail": '"jsonstring"', "DetailType": "detail-type", "Source": "some.source"}]})}
    ).run({}, aws="moto")
    assert run.error == "EventBridge.FailedEntry"
    assert run.cause == ('{"Entries":[{"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is '
                         'malformed."}],"FailedEntryCount":1}')


# ---------------------------------------------------------------- Glue

@pytest.fixture
def glue_job(aws):
    client("glue").create_job(Name="etl", Role=f"arn:aws:iam::{ACCOUNT}:role/glue",
                              Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"})
    return "etl"


def test_glue_start_job_run_adds_the_job_name(glue_job):
    run = machine({"Start": task("glue:startJobRun", {"JobName": glue_job})}).run({}, aws="moto")
    assert set(run.output) == {"JobName", "JobRunId"} and run.output["JobName"] == glue_job
    runs = client("glue").get_job_runs(JobName=glue_job)["JobRuns"]
    assert [r["Id"] for r in runs] == [run.output["JobRunId"]]


def test_glue_start_job_run_sync_returns_the_finished_job_run(glue_job):
    run = machine({"Start": task("glue:startJobRun.sync", {"JobName": glue_job,
                                                           "Arguments": {"--day": "1"}})}
                  ).run({}, aws="moto")
    assert run.status == "SUCCEEDED"
    assert run.output["JobRunState"] == "SUCCEEDED" and run.output["JobName"] == glue_job
    assert run.output["Arguments"] == {"--day": "1"}
    assert isinstance(run.output["StartedOn"], int)      # optimised: epoch milliseconds
    assert run.stop_ms - run.start_ms == moto_backend.POLL_MS
    types = [e["type"] for e in run.history if e["type"].startswith("Task")]
    assert types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
                     "TaskSucceeded", "TaskStateExited"]


def test_glue_sync_takes_one_poll_per_state_moto_reports(glue_job):
    state_manager.set_transition("glue::job_run", {"progression": "manual", "times": 2})
    try:
        run = machine({"Start": task("glue:startJobRun.sync", {"JobName": glue_job})}).run({}, aws="moto")
    finally:
        state_manager.unset_transition("glue::job_run")
    # STARTING, STARTING -> RUNNING, RUNNING, RUNNING -> SUCCEEDED
    assert run.stop_ms - run.start_ms == 4 * moto_backend.POLL_MS


def test_glue_sync_failed_run_fails_the_task_with_the_job_run(glue_job):
    get_job_run = GlueBackend.get_job_run

    def failing(self, name, run_id):
        job_run = get_job_run(self, name, run_id)
        job_run.status = "FAILED"
        return job_run

    with mock.patch.object(GlueBackend, "get_job_run", failing):
        run = machine({"Start": task("glue:startJobRun.sync", {"JobName": glue_job})}).run({}, aws="moto")
    assert run.error == "States.TaskFailed"
    cause = json.loads(run.cause)
    assert cause["JobRunState"] == "FAILED" and cause["JobName"] == glue_job


def test_glue_stop_session_twice_fails_with_illegal_session_state(aws):
    client("glue").create_session(Id="s1", Role=f"arn:aws:iam::{ACCOUNT}:role/glue",
                                  Command={"Name": "glueetl"})
    stop = task("aws-sdk:glue:stopSession", {"Id": "s1"})
    run = machine({"Stop": {**stop, "End": False, "Next": "Again"}, "Again": stop}).run({}, aws="moto")
    assert run.error == "Glue.IllegalSessionStateException"
    # wording observed on AWS (shared/workflows/glue-session-stop.md)
    assert run.cause == "Session is in STOPPING status (Service: Glue, Status Code: 400, Request ID: null)"
    assert client("glue").get_session(Id="s1")["Session"]["Status"] == "STOPPING"


def test_aws_sdk_timestamps_are_iso_8601(glue_job):
    started = client("glue").start_job_run(JobName=glue_job)["JobRunId"]
    run = machine({"Get": task("aws-sdk:glue:getJobRun", {"JobName": glue_job, "RunId": started})}
                  ).run({}, aws="moto")
    assert run.output["JobRun"]["StartedOn"].endswith("Z")
    assert run.output["JobRun"]["StartedOn"][10] == "T"


# ---------------------------------------------------------------- CodeBuild

@pytest.fixture
def project(aws):
    client("codebuild").create_project(
        name="app", source={"type": "S3", "location": "sources/app.zip"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=f"arn:aws:iam::{ACCOUNT}:role/build",
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"})
    return "app"


def test_codebuild_start_build_sync_succeeds_with_the_build(project):
    run = machine({"Build": task("codebuild:startBuild.sync", {"ProjectName": project})}
                  ).run({}, aws="moto")
    assert run.status == "SUCCEEDED"
    build = run.output["Build"]               # PascalCase, as Step Functions shows CodeBuild's builds
    assert build["BuildStatus"] == "SUCCEEDED" and build["ProjectName"] == project
    assert client("codebuild").list_builds_for_project(projectName=project)["ids"] == [build["Id"]]


def test_codebuild_failed_build_fails_the_task(project):
    batch_get_builds = CodeBuildBackend.batch_get_builds

    def failing(self, ids):
        builds = batch_get_builds(self, ids)
        for build in builds:
            build["buildStatus"] = "FAILED"      # moto's builds always succeed
        return builds

    with mock.patch.object(CodeBuildBackend, "batch_get_builds", failing):
        run = machine({"Build": task("codebuild:startBuild.sync", {"ProjectName": project},
                                     Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"}]),
                       "Failed": {"Type": "Pass", "End": True}}).run({}, aws="moto")
    assert run.flat_path() == ["Build", "Failed"]
    assert run.output["Error"] == "States.TaskFailed"
    assert json.loads(run.output["Cause"])["Build"]["BuildStatus"] == "FAILED"


# ---------------------------------------------------------------- what moto cannot answer

def test_an_action_moto_does_not_implement_fails_the_run_naming_it(aws):
    run = machine({"Get": task("aws-sdk:glue:getDataQualityResult", {"ResultId": "r1"})}
                  ).run({}, aws="moto")
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert "moto does not implement glue GetDataQualityResult" in run.cause


def test_an_unknown_aws_sdk_action_is_never_sent(aws):
    definition = {"Nope": task("aws-sdk:s3:noSuchAction", {})}
    try:
        m = machine(definition)
    except aslsim.DefinitionError as err:       # refused at load, as CreateStateMachine refuses it
        assert "noSuchAction" in str(err)
        return
    run = m.run({}, aws="moto")
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert "aws-sdk:s3:noSuchAction" in run.cause


# ---------------------------------------------------------------- where moto's state lives

def test_without_an_active_mock_the_run_has_its_own_aws_and_leaves_nothing_behind():
    environment = dict(os.environ)
    definition = {
        "Create": task("aws-sdk:s3:createBucket", {"Bucket": "made-in-run"}, End=False, Next="Put"),
        "Put": task("aws-sdk:s3:putObject", {"Bucket": "made-in-run", "Key": "k", "Body": "x"},
                    End=False, Next="Get"),
        "Get": task("aws-sdk:s3:getObject", {"Bucket": "made-in-run", "Key": "k"})}
    first = machine(definition).run({}, aws="moto")
    assert first.status == "SUCCEEDED" and first.output["Body"] == '"x"'
    assert not botocore_stubber.enabled          # moto no longer intercepts anything
    assert dict(os.environ) == environment       # credentials and region as they were
    # a second run starts from an empty AWS: creating the same bucket again succeeds
    assert machine(definition).run({}, aws="moto").status == "SUCCEEDED"
    with mock_aws():
        assert client("s3").list_buckets()["Buckets"] == []


def test_a_request_moto_would_not_answer_never_leaves_the_process():
    assert not botocore_stubber.enabled
    with pytest.raises(moto_backend.RealAWSRefused):
        moto_backend._client("s3").list_buckets()


def test_the_tests_mock_is_left_active_after_the_run(table):
    machine({"Put": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "a"}}})}
            ).run({}, aws="moto")
    assert botocore_stubber.enabled
    assert client("dynamodb").scan(TableName=table)["Count"] == 1


# ---------------------------------------------------------------- shapes

def _model(service, operation):
    import botocore.session
    return botocore.session.get_session().get_service_model(service).operation_model(operation)


def test_pascal_case_parameters_reach_camel_case_apis():
    from aslsim.services.shapes import to_request
    shape = _model("codebuild", "StartBuild").input_shape
    assert to_request({"ProjectName": "app", "EnvironmentVariablesOverride": [
        {"Name": "STAGE", "Value": "prod", "Type": "PLAINTEXT"}]}, shape) == {
        "projectName": "app",
        "environmentVariablesOverride": [{"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}]}


def test_json_values_given_for_text_members_are_sent_as_json_text():
    from aslsim.services.shapes import to_request
    shape = _model("sqs", "SendMessage").input_shape
    assert to_request({"QueueUrl": "q", "MessageBody": {"a": [1, True]}}, shape) == {
        "QueueUrl": "q", "MessageBody": '{"a":[1,true]}'}


def test_timestamps_print_as_java_instants():
    from datetime import datetime, timezone

    from aslsim.services.shapes import iso_instant
    moment = datetime(2013, 8, 23, 1, 2, 15, tzinfo=timezone.utc)
    assert iso_instant(moment) == "2013-08-23T01:02:15Z"
    assert iso_instant(moment.replace(microsecond=422000)) == "2013-08-23T01:02:15.422Z"


def test_a_machine_run_in_another_region_calls_moto_in_that_region():
    import boto3
    from moto import mock_aws
    machine = aslsim.load({"StartAt": "Put", "States": {"Put": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True,
        "Parameters": {"TableName": "cars", "Item": {"id": {"S": "1"}}}}}})
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(TableName="cars", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
        run = machine.run({}, aws="moto", region="eu-west-1")
        assert run.status == "SUCCEEDED", run.cause
        assert client.get_item(TableName="cars", Key={"id": {"S": "1"}})["Item"] == {"id": {"S": "1"}}
        scheduled = next(e for e in run.history if e["type"] == "TaskScheduled")
        assert scheduled["taskScheduledEventDetails"]["region"] == "eu-west-1"
        assert run.execution_arn.startswith("arn:aws:states:eu-west-1:")
        assert machine.run({}, aws="moto").error == "DynamoDB.ResourceNotFoundException"
