"""Service API models: resolving Task resources to botocore operations, naming their errors as
Step Functions does, and refusing parameters before the call and resources at load time.

Sources: causes recorded on AWS in shared/conformance/cases.jsonl (named where used);
workflows/car-lookup-variables.md and glue-session-stop.md (observed on AWS); the developer
guide's supported-services-awssdk.md (service names, error prefixes, unsupported actions),
connect-parameters.md ("The field Filter is not supported by Step Functions") and the
integrate-optimized pattern table.
"""
import os
import subprocess
import sys

import pytest

from aslsim.errors import DefinitionError, StatesError
from aslsim.services import api_models
from aslsim.services.api_models import (check_definition_resource, check_parameters, error_cause,
                                        error_name, operation_for, sdk_service_name, task_error)
from aslsim.services.calls import TaskCall
from aslsim.services.resources import describe_resource

STATES = "arn:aws:states:::"


def op(resource):
    return operation_for(describe_resource(STATES + resource))


def refusal(resource, parameters):
    """The cause of the States.Runtime AWS raises before the call, or None when it is accepted."""
    call = TaskCall("Put", describe_resource(STATES + resource), parameters, 0)
    try:
        check_parameters(call)
    except StatesError as err:
        assert err.error == "States.Runtime" and err.prefix_state
        return err.cause
    return None


def problems(resource, parameters):
    cause = refusal(resource, parameters)
    return None if cause is None else cause.split("could not be used to start the Task: ", 1)[1]


def definition_error(resource, parameters=None, field="Parameters"):
    with pytest.raises(DefinitionError) as caught:
        check_definition_resource(STATES + resource, parameters, state="Task", field=field)
    return caught.value


# ---- resolution -------------------------------------------------------------------------------

@pytest.mark.parametrize("resource, client, operation, prefix", [
    ("aws-sdk:sfn:startExecution", "stepfunctions", "StartExecution", "Sfn"),
    ("aws-sdk:cloudwatchlogs:putLogEvents", "logs", "PutLogEvents", "CloudWatchLogs"),
    ("aws-sdk:eventbridge:putEvents", "events", "PutEvents", "EventBridge"),
    ("aws-sdk:s3:listObjectsV2", "s3", "ListObjectsV2", "S3"),
    ("aws-sdk:s3:listBuckets.waitForTaskToken", "s3", "ListBuckets", "S3"),
    ("aws-sdk:dynamodb:getItem", "dynamodb", "GetItem", "DynamoDb"),
    ("aws-sdk:glue:stopSession", "glue", "StopSession", "Glue"),
    ("aws-sdk:secretsmanager:createSecret", "secretsmanager", "CreateSecret", "SecretsManager"),
    ("aws-sdk:acmpca:deleteCertificateAuthority", "acm-pca", "DeleteCertificateAuthority", "AcmPca"),
    ("aws-sdk:databasemigration:describeEndpoints", "dms", "DescribeEndpoints", "DatabaseMigration"),
    ("aws-sdk:costexplorer:getCostAndUsage", "ce", "GetCostAndUsage", "CostExplorer"),
    ("aws-sdk:rds:describeDBInstances", "rds", "DescribeDBInstances", "Rds"),
    ("aws-sdk:ec2:describeInstances", "ec2", "DescribeInstances", "Ec2"),
])
def test_aws_sdk_resources_resolve_to_the_sdk_service_and_its_pascal_case_operation(
        resource, client, operation, prefix):
    found = op(resource)
    assert (found.client, found.name, found.error_prefix, found.sdk) == (client, operation, prefix, True)


@pytest.mark.parametrize("resource, client, operation, prefix", [
    ("lambda:invoke", "lambda", "Invoke", "Lambda"),
    ("lambda:invoke.waitForTaskToken", "lambda", "Invoke", "Lambda"),
    ("dynamodb:putItem", "dynamodb", "PutItem", "DynamoDB"),
    ("dynamodb:updateItem", "dynamodb", "UpdateItem", "DynamoDB"),
    ("sns:publish.waitForTaskToken", "sns", "Publish", "SNS"),
    ("sqs:sendMessage", "sqs", "SendMessage", "SQS"),
    ("events:putEvents", "events", "PutEvents", "EventBridge"),
    ("glue:startJobRun.sync", "glue", "StartJobRun", "Glue"),
    ("codebuild:startBuild.sync", "codebuild", "StartBuild", "CodeBuild"),
    ("states:startExecution.sync:2", "stepfunctions", "StartExecution", "StepFunctions"),
    ("ecs:runTask.sync", "ecs", "RunTask", "ECS"),
    ("batch:submitJob", "batch", "SubmitJob", "Batch"),
    ("athena:startQueryExecution", "athena", "StartQueryExecution", "Athena"),
])
def test_optimised_resources_resolve_to_their_api_operation(resource, client, operation, prefix):
    found = op(resource)
    assert (found.client, found.name, found.error_prefix, found.sdk) == (client, operation, prefix, False)


@pytest.mark.parametrize("arn", [
    "arn:aws:states:us-east-1:111111111111:activity:work",
    "arn:aws:lambda:us-east-1:111111111111:function:f",
    STATES + "apigateway:invoke",               # an HTTP call, not an AWS API
    STATES + "aws-sdk:s3:getObjectx",
    STATES + "aws-sdk:nosuchservice:doThing",
    STATES + "aws-sdk:lambda:invokeAsync",      # unsupported by AWS (supported-services-awssdk.md)
    STATES + "dynamodb:scan",
])
def test_resources_that_are_not_known_api_calls_resolve_to_none(arn):
    assert operation_for(describe_resource(arn)) is None


@pytest.mark.parametrize("service_id, name", [
    ("DynamoDB", "DynamoDb"), ("SFN", "Sfn"), ("CloudWatch Logs", "CloudWatchLogs"),
    ("SESv2", "SesV2"), ("WAFV2", "Wafv2"), ("IoT", "Iot"), ("IoTSiteWise", "IoTSiteWise"),
    ("ACM PCA", "AcmPca"), ("Database Migration Service", "DatabaseMigration"),
    ("IoT 1Click Projects", "Iot1ClickProjects"), ("ApiGatewayV2", "ApiGatewayV2"),
    ("SageMaker A2I Runtime", "SageMakerA2IRuntime"), ("FSx", "FSx"), ("Route 53", "Route53"),
])
def test_sdk_service_names_follow_the_aws_sdk_table(service_id, name):
    assert sdk_service_name(service_id) == name


# ---- error names and causes -------------------------------------------------------------------

def test_error_names_differ_between_optimised_and_aws_sdk_dynamodb():
    assert error_name(op("dynamodb:putItem"), "ConditionalCheckFailedException") == \
        "DynamoDB.ConditionalCheckFailedException"
    assert error_name(op("aws-sdk:dynamodb:putItem"), "ConditionalCheckFailedException") == \
        "DynamoDb.ConditionalCheckFailedException"


@pytest.mark.parametrize("resource, code, name", [
    ("aws-sdk:glue:stopSession", "IllegalSessionStateException", "Glue.IllegalSessionStateException"),
    # error codes without the suffix get it (recorded: test_aws_sdk.py, test_aws_sdk_task_service.py)
    ("aws-sdk:s3:getObject", "NoSuchKey", "S3.NoSuchKeyException"),
    ("aws-sdk:s3:listObjects", "NoSuchBucket", "S3.NoSuchBucketException"),
    ("aws-sdk:sfn:sendTaskSuccess", "InvalidToken", "Sfn.InvalidTokenException"),
    ("states:startExecution", "StateMachineDoesNotExist", "StepFunctions.StateMachineDoesNotExistException"),
    ("sns:publish", "NotFound", "SNS.NotFoundException"),
    ("sns:publish", "InvalidParameter", "SNS.InvalidParameterException"),
    ("lambda:invoke", "ResourceNotFoundException", "Lambda.ResourceNotFoundException"),
    # unmodelled errors take the SDK's base class (recorded: test_invalid_param,
    # test_send_message_empty_body, test_invalid_secret_name)
    ("dynamodb:putItem", "ValidationException", "DynamoDB.AmazonDynamoDBException"),
    ("sqs:sendMessage", "MissingParameter", "SQS.AmazonSQSException"),
    ("aws-sdk:secretsmanager:createSecret", "ValidationException", "SecretsManager.SecretsManagerException"),
])
def test_error_names_as_recorded_on_aws(resource, code, name):
    assert error_name(op(resource), code) == name


def test_optimised_causes_use_the_sdk_v1_format():
    # recorded: test_task_service_sqs.py::test_send_message_empty_body
    assert error_cause("The request must contain the parameter MessageBody.", "AmazonSQS", 400,
                       "r-1", error_code="MissingParameter") == (
        "The request must contain the parameter MessageBody. (Service: AmazonSQS; Status Code: 400; "
        "Error Code: MissingParameter; Request ID: r-1; Proxy: null)")


def test_aws_sdk_causes_use_the_sdk_v2_format():
    # observed on AWS: workflows/glue-session-stop.md
    assert error_cause("Session is in PROVISIONING status", "Glue", 400, None) == \
        "Session is in PROVISIONING status (Service: Glue, Status Code: 400, Request ID: null)"
    # recorded: test_aws_sdk.py::test_no_such_bucket, test_sfn_send_task_outcome_with_no_such_token
    assert error_cause("The specified bucket does not exist", "S3", 404, "r", extended_request_id="x") == \
        "The specified bucket does not exist (Service: S3, Status Code: 404, Request ID: r, Extended Request ID: x)"
    assert error_cause("Invalid Token: 'Invalid token'", "Sfn", 400, "r", attempts=1) == \
        "Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400, Request ID: r) (SDK Attempt Count: 1)"


def test_task_error_labels_the_service_as_each_sdk_does():
    assert task_error(op("dynamodb:putItem"), "ValidationException", "Bad", 400, "r") == (
        "DynamoDB.AmazonDynamoDBException",
        "Bad (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; "
        "Request ID: r; Proxy: null)")
    assert task_error(op("aws-sdk:glue:stopSession"), "IllegalSessionStateException",
                      "Session is in PROVISIONING status", 400) == (
        "Glue.IllegalSessionStateException",
        "Session is in PROVISIONING status (Service: Glue, Status Code: 400, Request ID: null)")


# ---- parameters refused before the call ----------------------------------------------------------

def test_a_number_for_a_dynamodb_n_value_is_refused_with_the_parameters_as_compact_json():
    # observed on AWS: workflows/car-lookup-variables.md
    item = {"make": {"S": "FORD"}, "yearOfManufacture": {"N": 2014}}
    assert refusal("dynamodb:putItem", {"TableName": "cars", "Item": item}) == (
        "The Parameters '{\"TableName\":\"cars\",\"Item\":{\"make\":{\"S\":\"FORD\"},"
        "\"yearOfManufacture\":{\"N\":2014}}}' could not be used to start the Task: "
        "[The value for the field 'N' must be a STRING]")
    assert problems("dynamodb:putItem", {"TableName": "cars", "Item": {"year": {"S": 2014}}}) == \
        "[The value for the field 'S' must be a STRING]"


def test_an_api_gateway_header_that_is_not_a_list_has_an_invalid_format():
    # recorded: test_apigetway_task_service.py::test_invoke_with_headers[singleStringHeader]
    parameters = {"ApiEndpoint": "abc.execute-api.us-east-1.amazonaws.com", "Method": "POST",
                  "Headers": {"custom_header": "singleStringHeader"}, "Path": "id_func",
                  "RequestBody": {"message": "HelloWorld!"}, "Stage": "sfn-apigw-api"}
    assert problems("apigateway:invoke", parameters) == \
        "[The value of the field 'Headers' has an invalid format]"
    parameters["Headers"] = {"custom_header": ["arrayHeader0", "arrayHeader1"]}
    assert refusal("apigateway:invoke", parameters) is None
    assert problems("apigateway:invoke", {"ApiEndpoint": "a", "Method": "GET",
                                          "QueryParameters": "?symbol=X"}) == \
        "[The value of the field 'QueryParameters' has an invalid format]"


def test_an_unknown_parameter_is_not_supported_by_step_functions():
    assert problems("sns:publish", {"TopicArn": "arn", "Message": "hi", "Subjectt": "x"}) == \
        '[The field "Subjectt" is not supported by Step Functions]'
    # a task token next to the payload is refused too: it belongs inside Payload
    assert problems("lambda:invoke.waitForTaskToken", {"FunctionName": "f", "TaskToken": "t"}) == \
        '[The field "TaskToken" is not supported by Step Functions]'


def test_nested_members_need_step_functions_pascal_case():
    job = {"JobName": "j", "JobQueue": "q", "JobDefinition": "d",
           "RetryStrategy": {"Attempts": 2, "EvaluateOnExit": [{"onStatusReason": "x", "Action": "RETRY"}]}}
    assert problems("aws-sdk:batch:submitJob", job) == \
        '[The field "onStatusReason" is not supported by Step Functions]'
    job["RetryStrategy"]["EvaluateOnExit"] = [{"OnStatusReason": "x", "Action": "RETRY"}]
    assert refusal("aws-sdk:batch:submitJob", job) is None
    # the model's awsvpcConfiguration is AwsvpcConfiguration, not awsVpcConfiguration
    network = {"AwsvpcConfiguration": {"Subnets": ["s-1"], "AssignPublicIp": "ENABLED"}}
    assert refusal("ecs:runTask", {"TaskDefinition": "t", "NetworkConfiguration": network}) is None
    network = {"awsVpcConfiguration": {"Subnets": ["s-1"]}}
    assert problems("ecs:runTask", {"TaskDefinition": "t", "NetworkConfiguration": network}) == \
        '[The field "awsVpcConfiguration" is not supported by Step Functions]'


def test_equals_members_are_written_equals_value():
    criteria = {"Criterion": {"severity": {"EqualsValue": ["8"]}}}
    assert refusal("aws-sdk:guardduty:createFilter",
                   {"DetectorId": "d", "Name": "n", "FindingCriteria": criteria}) is None
    criteria = {"Criterion": {"severity": {"Equals": ["8"]}}}
    assert problems("aws-sdk:guardduty:createFilter",
                    {"DetectorId": "d", "Name": "n", "FindingCriteria": criteria}) == \
        '[The field "Equals" is not supported by Step Functions]'


def test_integers_must_be_whole_numbers():
    job = {"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "ArrayProperties": {"Size": 5}}
    assert refusal("batch:submitJob", job) is None
    for wrong in ("5", 5.5, True):
        job["ArrayProperties"]["Size"] = wrong
        assert problems("batch:submitJob", job) == "[The value for the field 'Size' must be an INTEGER]"


def test_booleans_timestamps_and_blobs():
    put = {"Bucket": "b", "Key": "k", "BucketKeyEnabled": "yes"}
    assert problems("aws-sdk:s3:putObject", put) == \
        "[The value for the field 'BucketKeyEnabled' must be a BOOLEAN]"
    # timestamps: ISO-8601 text or epoch seconds; blobs take any JSON, which AWS serialises
    for expires in ("2025-01-01T00:00:00Z", 1735689600):
        assert refusal("aws-sdk:s3:putObject", {"Bucket": "b", "Key": "k", "Expires": expires}) is None
    assert problems("aws-sdk:s3:putObject", {"Bucket": "b", "Key": "k", "Expires": True}) == \
        "[The value for the field 'Expires' must be a TIMESTAMP]"
    assert refusal("aws-sdk:s3:putObject", {"Bucket": "b", "Key": "k", "Body": {"id": 1}}) is None


def test_lists_and_maps_check_their_items_and_report_the_enclosing_field():
    assert problems("dynamodb:putItem", {"TableName": "t", "Item": {"tags": {"SS": ["a", 1]}}}) == \
        "[The value for the field 'SS' must be a STRING]"
    assert problems("dynamodb:putItem", {"TableName": "t", "Item": {"tags": {"L": "a"}}}) == \
        "[The value of the field 'L' has an invalid format]"
    assert problems("glue:startJobRun", {"JobName": "j", "Arguments": {"--day": 3}}) == \
        "[The value for the field 'Arguments' must be a STRING]"
    assert problems("glue:startJobRun", {"JobName": "j", "Arguments": ["--day", "3"]}) == \
        "[The value of the field 'Arguments' has an invalid format]"


def test_enums_are_strings_left_for_the_service_to_judge():
    assert refusal("dynamodb:putItem", {"TableName": "t", "Item": {}, "ReturnValues": "SOMETIMES"}) is None
    assert problems("dynamodb:putItem", {"TableName": "t", "Item": {}, "ReturnValues": 1}) == \
        "[The value for the field 'ReturnValues' must be a STRING]"


def test_every_problem_is_listed_in_order():
    assert problems("sqs:sendMessage", {"QueueUrl": 1, "MessageBody": "m", "Delay": 5, "DelaySeconds": "5"}) == (
        "[The value for the field 'QueueUrl' must be a STRING, "
        "The field \"Delay\" is not supported by Step Functions, "
        "The value for the field 'DelaySeconds' must be an INTEGER]")


def test_null_values_are_passed_to_the_service():
    # recorded: test_task_service_dynamodb.py::test_invalid_param fails in DynamoDB itself
    assert refusal("dynamodb:putItem", {"TableName": "t", "Item": None}) is None


@pytest.mark.parametrize("resource, parameters", [
    ("lambda:invoke", {"FunctionName": "f", "Payload": {"order": [1, 2]}}),
    ("lambda:invoke", {"FunctionName": "f", "Payload": "text"}),
    ("sns:publish", {"TopicArn": "arn", "Message": {"a": 1}}),
    ("sns:publish.waitForTaskToken", {"TopicArn": "arn", "Message": {"TaskToken": "t"}}),
    ("sqs:sendMessage.waitForTaskToken", {"QueueUrl": "u", "MessageBody": {"TaskToken": "t"}}),
    ("events:putEvents", {"Entries": [{"Detail": {"a": 1}, "DetailType": "d", "Source": "s"}]}),
    ("states:startExecution.sync:2", {"StateMachineArn": "arn", "Input": {"a": 1}}),
    ("apigateway:invoke", {"ApiEndpoint": "a", "Method": "POST", "RequestBody": [1, 2]}),
])
def test_optimised_integrations_take_json_where_the_api_takes_text(resource, parameters):
    assert refusal(resource, parameters) is None


@pytest.mark.parametrize("arn, parameters", [
    ("arn:aws:lambda:us-east-1:111111111111:function:f", {"anything": 1}),
    ("arn:aws:states:us-east-1:111111111111:activity:work", {"anything": 1}),
    (STATES + "eks:call", {"anything": 1}),
    (STATES + "aws-sdk:nosuchservice:doThing", {"anything": 1}),
    (STATES + "lambda:invoke", "{% $not_an_object %}"),
    (STATES + "lambda:invoke", None),
])
def test_resources_without_a_model_and_non_objects_are_not_checked(arn, parameters):
    check_parameters(TaskCall("T", describe_resource(arn), parameters, 0))


# ---- resources and parameters refused at load time ---------------------------------------------

def test_an_unknown_aws_sdk_action_is_not_recognized():
    err = definition_error("aws-sdk:s3:getObjectx")
    assert err.message == ("The resource provided arn:aws:states:::aws-sdk:s3:getObjectx is not "
                           "recognized. The value is not a valid resource ARN, or the resource is "
                           "not available in this region.")
    assert (err.state, err.field) == ("Task", "Resource")


@pytest.mark.parametrize("resource", [
    "aws-sdk:nosuchservice:doThing",
    "aws-sdk:apigatewaymanagementapi:postToConnection",
    "aws-sdk:s3:selectObjectContent",
    "aws-sdk:s3:getObject.sync",                # aws-sdk integrations cannot wait for a job
    "sns:publish.sync",
    "glue:startJobRun.sync:2",
    "dynamodb:putItem.waitForTaskToken",
    "dynamodb:scan",
    "apigateway:invoke.sync",
    "nosuchservice:doThing",
])
def test_unsupported_resources_are_refused(resource):
    assert "is not recognized" in definition_error(resource).message


@pytest.mark.parametrize("resource", [
    "aws-sdk:s3:listBuckets.waitForTaskToken",  # recorded (test_invalid_jsonpath): AWS accepted it
    "lambda:invoke.waitForTaskToken",
    "states:startExecution.sync:2",
    "ecs:runTask.waitForTaskToken",
    "apigateway:invoke.waitForTaskToken",
    "eks:runJob.sync",                          # an optimised service this module does not model
])
def test_supported_resources_are_accepted(resource):
    check_definition_resource(STATES + resource, None, state="Task")


def test_unknown_aws_sdk_parameter_names_are_refused_at_load():
    err = definition_error("aws-sdk:s3:getObject", {"Bucket.$": "$.b", "Key": "k", "Kee.$": "$.k"})
    assert (err.message, err.field) == ('The field "Kee" is not supported by Step Functions', "Parameters")
    err = definition_error("aws-sdk:s3:getObject", {"Bucket": "b", "key": "{% $k %}"}, field="Arguments")
    assert (err.message, err.field) == ('The field "key" is not supported by Step Functions', "Arguments")
    check_definition_resource(STATES + "aws-sdk:s3:getObject", {"Bucket.$": "$.b", "Key": "k"}, state="T")


def test_non_integration_resources_are_left_alone_at_load():
    check_definition_resource("arn:aws:lambda:us-east-1:111111111111:function:f", {"x": 1}, state="T")
    check_definition_resource("arn:aws:states:us-east-1:111111111111:activity:a", {"x": 1}, state="T")


# ---- laziness -----------------------------------------------------------------------------------

def test_importing_aslsim_and_loading_optimised_tasks_does_not_import_botocore():
    script = ("import sys, aslsim\n"
              "from aslsim.services.api_models import check_definition_resource\n"
              "assert 'botocore' not in sys.modules\n"
              "check_definition_resource('arn:aws:states:::lambda:invoke', {'Foo': 1}, state='T')\n"
              "check_definition_resource('arn:aws:states:::sns:publish.waitForTaskToken', {}, state='T')\n"
              "assert 'botocore' not in sys.modules, 'botocore imported'\n")
    package = os.path.dirname(os.path.dirname(os.path.abspath(api_models.__file__)))
    path = os.pathsep.join([os.path.dirname(package), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


def test_the_aws_sdk_index_reads_no_model_and_is_built_once():
    index = api_models._sdk_index()
    assert index["sfn"] == ("stepfunctions", "Sfn")
    assert index["cloudwatchlogs"] == ("logs", "CloudWatchLogs")
    assert index["pinpointsmsvoice"] == ("pinpoint-sms-voice", "PinpointSmsVoice")
    assert api_models._sdk_index() is index


def test_aws_sdk_parameters_are_named_as_the_java_sdk_v2_names_them():
    # supported-services-awssdk.md: PascalCase; the deployed RDS sample writes DbInstanceIdentifier
    # (botocore: DBInstanceIdentifier), re:Post's accepted answer writes DynamoDB's BOOL as Bool
    assert refusal("aws-sdk:rds:describeDBInstances", {"DbInstanceIdentifier": "db-1"}) is None
    assert problems("aws-sdk:rds:describeDBInstances", {"DBInstanceIdentifier": "db-1"}) == \
        '[The field "DBInstanceIdentifier" is not supported by Step Functions]'
    check_definition_resource(STATES + "aws-sdk:rds:createDBSnapshot",
                              {"DbSnapshotIdentifier": "s", "DbInstanceIdentifier.$": "$.id"})
    with pytest.raises(DefinitionError, match='"DBSnapshotIdentifier" is not supported'):
        check_definition_resource(STATES + "aws-sdk:rds:createDBSnapshot",
                                  {"DBSnapshotIdentifier": "s", "DbInstanceIdentifier": "i"})
    item = {"TableName": "t", "Item": {"done": {"Bool": True}, "tags": {"Ss": ["a"]}, "n": {"N": "1"}}}
    assert refusal("aws-sdk:dynamodb:putItem", item) is None
    assert problems("aws-sdk:dynamodb:putItem", {"TableName": "t", "Item": {"done": {"BOOL": True}}}) == \
        '[The field "BOOL" is not supported by Step Functions]'
    # the optimised DynamoDB integration keeps the model's names
    assert refusal("dynamodb:putItem", {"TableName": "t", "Item": {"done": {"BOOL": True}}}) is None


@pytest.mark.parametrize("member, sdk_name", [
    ("DBInstanceIdentifier", "DbInstanceIdentifier"), ("SNSTopicArn", "SnsTopicArn"),
    ("BOOL", "Bool"), ("KMSKeyId", "KmsKeyId"), ("S3Key", "S3Key"), ("awsvpcConfiguration",
    "AwsvpcConfiguration"), ("TableName", "TableName"), ("IPv6Address", "IPv6Address"),
    ("Equals", "EqualsValue"), ("S", "S"), ("NULL", "Null")])
def test_the_java_sdk_v2_name_of_a_member(member, sdk_name):
    from aslsim.services.shapes import sfn_name
    assert sfn_name(member, sdk=True) == sdk_name


def test_aws_sdk_results_carry_the_java_sdk_v2_names():
    from aslsim.services.shapes import from_response
    shape = op("aws-sdk:rds:describeDBInstances").operation.output_shape
    result = from_response({"DBInstances": [{"DBInstanceIdentifier": "db-1", "Engine": "postgres"}]},
                           shape, sdk=True)
    assert result == {"DbInstances": [{"DbInstanceIdentifier": "db-1", "Engine": "postgres"}]}


# ---- parameters whose check cannot fail are checked once, at load -------------------------------

def always_accepted(resource, parameters, jsonata=False):
    from aslsim.query.templates import compile_jsonata_template, compile_template
    template = (compile_jsonata_template if jsonata else compile_template)(parameters, "Parameters")
    return api_models.parameters_always_accepted(describe_resource(STATES + resource), template)


@pytest.mark.parametrize("resource, parameters, jsonata, expected", [
    # constants that pass, paths where the model takes any JSON (a Lambda's Payload)
    ("lambda:invoke", {"FunctionName": "f", "Payload": {"item.$": "$", "n.$": "$$.State.RetryCount"}},
     False, True),
    ("lambda:invoke", {"FunctionName": "f", "Payload.$": "$"}, False, True),
    ("sns:publish", {"TopicArn": "arn:aws:sns:us-east-1:111111111111:t", "Message": "{% $m %}"},
     True, True),
    ("sns:publish", {"TopicArn": "arn:aws:sns:us-east-1:111111111111:t", "Message": "m",
                     "Subject": "{% $s %}"}, True, False),
    ("dynamodb:putItem", {"TableName": "t", "Item": {"id": {"S": "1"}}}, False, True),
    # a constant the model refuses: checked at run time, where AWS refuses it
    ("dynamodb:putItem", {"TableName": "t", "Item": {"id": {"N": 2014}}}, False, False),
    ("lambda:invoke", {"FunctionName": "f", "Nope": 1}, False, False),
    # a value read into a member the model types: checked at run time
    ("dynamodb:putItem", {"TableName": "t", "Item": {"id": {"S.$": "$.id"}}}, False, False),
    ("lambda:invoke", {"FunctionName.$": "$.fn"}, False, False),
    ("lambda:invoke", "{% $args %}", True, False),
])
def test_parameters_always_accepted(resource, parameters, jsonata, expected):
    assert always_accepted(resource, parameters, jsonata) is expected


def test_a_run_still_refuses_a_read_value_the_model_refuses():
    import aslsim
    machine = aslsim.load({"StartAt": "Put", "States": {"Put": {
        "Type": "Task", "Resource": STATES + "dynamodb:putItem", "End": True,
        "Parameters": {"TableName": "t", "Item": {"id": {"S.$": "$.id"}}}}}})
    ex = machine.run({"id": 7}, mocks={"Put": {"return": {}}})
    assert ex.status == "FAILED" and ex.error == "States.Runtime"
    assert "The value for the field 'S' must be a STRING" in ex.cause and ex.calls == []
    assert machine.run({"id": "7"}, mocks={"Put": {"return": {}}}).status == "SUCCEEDED"
