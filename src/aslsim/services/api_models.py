"""The AWS APIs behind Task integrations, read from botocore's service models: which operation a
Resource calls, how Step Functions names that service's errors, and which Parameters it refuses
before calling it.

Everything is lazy: importing this module imports no botocore; a lookup loads the one service
model it needs (and, for ``aws-sdk:`` names, a small index read from the models' headers).
Without botocore installed nothing is checked and nothing resolves.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Any

from ..errors import DefinitionError, StatesError
from ..query.jsonpath import dumps
from ..query.templates import Constant, Object
from .resources import Resource, describe_resource
from .shapes import sfn_name

RR, SYNC, SYNC2, WAIT = "", ".sync", ".sync:2", ".waitForTaskToken"


@dataclass(frozen=True)
class Operation:
    """One API operation a Task calls."""
    client: str                # boto3 client name: "dynamodb", "stepfunctions", "logs"
    operation: Any             # botocore OperationModel
    error_prefix: str          # "DynamoDB" (optimised) or "DynamoDb" (aws-sdk)
    sdk: bool                  # True for aws-sdk:* integrations
    service_label: str = ""    # the service as AWS's causes name it: "AmazonDynamoDBv2", "S3"
    base_error: str = ""       # the class AWS names an unmodelled error after

    @property
    def name(self) -> str:
        return self.operation.name


@dataclass(frozen=True)
class _Action:
    operation: str                 # botocore operation name
    patterns: tuple                # integration patterns AWS accepts
    any_json: tuple = ()           # members that take any JSON (AWS serialises it to a string)


@dataclass(frozen=True)
class _Optimised:
    client: str
    prefix: str
    label: str
    base_error: str
    actions: dict
    complete: bool = True          # whether `actions` holds every action AWS recognises


def _a(operation: str, *patterns: str, any_json: tuple = ()) -> _Action:
    return _Action(operation, patterns, any_json)


# Optimised integrations. Evidence for the names, from causes recorded on AWS
# (shared/conformance/cases.jsonl, test_task_service_*.py and test_sns_task_service.py):
# "DynamoDB.AmazonDynamoDBException" with "(Service: AmazonDynamoDBv2; ...)",
# "Lambda.ResourceNotFoundException" with "(Service: AWSLambda; ...)", "SNS.NotFoundException"
# with "(Service: AmazonSNS; ...)", "SQS.AmazonSQSException" with "(Service: AmazonSQS; ...)",
# "StepFunctions.StateMachineDoesNotExistException" with "(Service: AWSStepFunctions; ...)",
# "EventBridge.FailedEntry". These are the AWS SDK for Java v1 names. Glue, ECS, Batch, CodeBuild
# and Athena follow the same SDK ("Glue.AWSGlueException", "ECS.AmazonECSException",
# "Batch.AWSBatchException", ... as users catch them); their labels, and EventBridge's and S3's,
# are not recorded.
# Actions and patterns: developer guide, connect-*.md pages and the integrate-optimized table.
OPTIMISED = {
    "lambda": _Optimised("lambda", "Lambda", "AWSLambda", "AWSLambdaException", {
        "invoke": _a("Invoke", RR, WAIT, any_json=("Payload",))}),
    "dynamodb": _Optimised("dynamodb", "DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException", {
        "getItem": _a("GetItem", RR), "putItem": _a("PutItem", RR),
        "updateItem": _a("UpdateItem", RR), "deleteItem": _a("DeleteItem", RR)}),
    "sns": _Optimised("sns", "SNS", "AmazonSNS", "AmazonSNSException", {
        "publish": _a("Publish", RR, WAIT, any_json=("Message",))}),
    "sqs": _Optimised("sqs", "SQS", "AmazonSQS", "AmazonSQSException", {
        "sendMessage": _a("SendMessage", RR, WAIT, any_json=("MessageBody",))}),
    "events": _Optimised("events", "EventBridge", "AmazonEventBridge",
                         "AmazonEventBridgeException", {
        "putEvents": _a("PutEvents", RR, WAIT, any_json=("Entries.Detail",))}),
    "states": _Optimised("stepfunctions", "StepFunctions", "AWSStepFunctions",
                         "AWSStepFunctionsException", {
        "startExecution": _a("StartExecution", RR, SYNC, SYNC2, WAIT, any_json=("Input",))}),
    "glue": _Optimised("glue", "Glue", "AWSGlue", "AWSGlueException", {
        "startJobRun": _a("StartJobRun", RR, SYNC)}),
    "ecs": _Optimised("ecs", "ECS", "AmazonECS", "AmazonECSException", {
        "runTask": _a("RunTask", RR, SYNC, WAIT)}),
    "batch": _Optimised("batch", "Batch", "AWSBatch", "AWSBatchException", {
        "submitJob": _a("SubmitJob", RR, SYNC)}),
    "athena": _Optimised("athena", "Athena", "AmazonAthena", "AmazonAthenaException", {
        "startQueryExecution": _a("StartQueryExecution", RR, SYNC),
        "stopQueryExecution": _a("StopQueryExecution", RR),
        "getQueryExecution": _a("GetQueryExecution", RR),
        "getQueryResults": _a("GetQueryResults", RR)}),
    # CodeBuild's action list is from memory of connect-codebuild.md: unknown actions pass
    "codebuild": _Optimised("codebuild", "CodeBuild", "AWSCodeBuild", "AWSCodeBuildException", {
        "startBuild": _a("StartBuild", RR, SYNC), "stopBuild": _a("StopBuild", RR),
        "batchDeleteBuilds": _a("BatchDeleteBuilds", RR),
        "batchGetReports": _a("BatchGetReports", RR),
        "startBuildBatch": _a("StartBuildBatch", RR, SYNC),
        "stopBuildBatch": _a("StopBuildBatch", RR),
        "retryBuildBatch": _a("RetryBuildBatch", RR, SYNC),
        "deleteBuildBatch": _a("DeleteBuildBatch", RR)}, complete=False),
    # the Distributed Map's ItemReader / ResultWriter resources
    "s3": _Optimised("s3", "S3", "AmazonS3", "AmazonS3Exception", {
        "getObject": _a("GetObject", RR), "listObjectsV2": _a("ListObjectsV2", RR),
        "putObject": _a("PutObject", RR)}, complete=False),
}
# apigateway:invoke is an HTTP call, not an AWS API: its parameters are modelled below.
_APIGATEWAY = ("invoke", (RR, WAIT))
# Optimised services recognised without a model here: any action and pattern is let through.
_UNMODELLED = frozenset({"http", "eks", "elasticmapreduce", "emr-containers", "emr-serverless",
                         "sagemaker", "mediaconvert", "databrew", "bedrock"})

# AWS SDK integrations AWS does not offer (supported-services-awssdk.md, "Unsupported API actions"
# and "Deprecated"; apigatewaymanagementapi is refused as "not recognized", seen in the wild).
_SDK_UNSUPPORTED_SERVICES = frozenset({"apigatewaymanagementapi", "mobile", "macie"})
_SDK_UNSUPPORTED_ACTIONS = frozenset({
    ("lambda", "InvokeAsync"), ("s3", "SelectObjectContent"), ("s3control", "SelectObjectContent"),
    ("kinesis", "SubscribeToShard"), ("lexruntimev2", "StartConversation"),
    ("comprehendmedical", "DetectEntities"), ("efs", "CreateTags"),
    ("elastictranscoder", "TestRole"),
    ("emr", "DescribeJobFlows"), ("mediapackage", "RotateChannelCredentials"),
    ("rdsdata", "ExecuteSql"), ("shield", "DeleteSubscription"),
    ("iotdeviceadvisor", "ListTestCases")})


# ---- loading botocore, lazily --------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _loader():
    try:
        import botocore.loaders
    except ImportError:            # botocore is optional: without it nothing resolves
        return None
    return botocore.loaders.create_loader()


@functools.lru_cache(maxsize=None)
def _service_model(name: str):
    loader = _loader()
    if loader is None:
        return None
    import botocore.model
    return botocore.model.ServiceModel(loader.load_service_model(name, "service-2"), name)


def sdk_service_name(service_id: str) -> str:
    """The AWS SDK for Java v2 name of a service (its botocore ``serviceId``): "DynamoDB" ->
    "DynamoDb", "SFN" -> "Sfn", "CloudWatch Logs" -> "CloudWatchLogs", "SESv2" -> "SesV2".

    Step Functions names aws-sdk services and prefixes their errors with it (AcmPca, S3, Sfn,
    DynamoDb, IoTAnalytics, Wafv2 in the supported-services-awssdk.md table; that table writes
    MemoryDB where this gives MemoryDb, the SDK's MemoryDbClient: unconfirmed which AWS uses)."""
    text = re.sub(r"[^A-Za-z0-9]+", " ", service_id)
    text = re.sub(r"([^a-z]{2,})v([0-9]+)", r"\1 v\2 ", text)      # SESv2 -> SES v2
    text = re.sub(r"([^A-Z]{2,})V([0-9]+)", r"\1 V\2 ", text)      # GatewayV2 -> Gateway V2
    text = re.sub(r"(?<=[a-z])(?=[A-Z][A-Za-z0-9])", " ", text)    # CloudWatch -> Cloud Watch
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)         # IoTAnalytics: T Analytics
    text = re.sub(r"([0-9])([A-Za-z])", r"\1 \2", text)            # 1Click -> 1 Click
    name = "".join(word[:1].upper() + word[1:].lower() for word in text.split())
    if name.endswith("Service") and name != "Service":           # "Directory Service"
        name = name[: -len("Service")]
    return name


@functools.lru_cache(maxsize=None)
def _sdk_index() -> dict:
    """aws-sdk service name -> (botocore name, SDK v2 name), e.g. "sfn" -> ("stepfunctions", "Sfn").

    Reads only the metadata block at the head of each model file (~40 ms for 400 services), so
    no model is parsed to find one."""
    index: dict = {}
    seen: set = set()
    for root in _loader().search_paths:       # ~/.aws/models first, as botocore reads them
        names = sorted(os.listdir(root)) if os.path.isdir(root) else []
        for name in (n for n in names if n not in seen):
            head = _model_head(os.path.join(root, name))
            found = head and re.search(r'"serviceId"\s*:\s*"([^"]+)"', head)
            if not found:
                continue
            seen.add(name)
            v2_name = sdk_service_name(found.group(1))
            key = v2_name.lower()
            # two models, one SDK name (sms-voice, pinpoint-sms-voice): keep the one named alike
            if key not in index or name.replace("-", "") == key:
                index[key] = (name, v2_name)
    return index


def _model_head(directory: str) -> str | None:
    import gzip
    try:
        versions = sorted(os.listdir(directory), reverse=True)
    except (NotADirectoryError, FileNotFoundError):
        return None
    for version in versions:
        path = os.path.join(directory, version, "service-2.json")
        if os.path.exists(path + ".gz"):
            with gzip.open(path + ".gz", "rt", encoding="utf-8") as handle:
                return handle.read(4096)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                return handle.read(4096)
    return None


# ---- resolving a Resource to an operation -----------------------------------------------------

@functools.lru_cache(maxsize=None)
def operation_for(resource: Resource) -> Operation | None:
    """The API operation a Task's resource calls, or None (activity, Lambda ARN, HTTP-only or
    unknown integrations, or botocore missing)."""
    if resource.kind != "integration" or _loader() is None:
        return None
    service = resource.resource_type
    if service.startswith("aws-sdk:"):
        return _sdk_operation(service[len("aws-sdk:"):], resource.action)
    spec = OPTIMISED.get(service)
    action = spec.actions.get(resource.action) if spec else None
    if action is None:
        return None
    model = _service_model(spec.client)
    return Operation(spec.client, model.operation_model(action.operation), spec.prefix, False,
                     spec.label, spec.base_error)


def _sdk_operation(service: str, action: str) -> Operation | None:
    if service in _SDK_UNSUPPORTED_SERVICES or service not in _sdk_index():
        return None
    client, v2_name = _sdk_index()[service]
    model = _service_model(client)
    # actions are the camelCase operation names: listObjectsV2 -> ListObjectsV2
    wanted = action[:1].upper() + action[1:]
    names = model.operation_names
    if wanted not in names:
        wanted = next((n for n in names if n.lower() == action.lower()), None)
    if wanted is None or (service, wanted) in _SDK_UNSUPPORTED_ACTIONS:
        return None
    return Operation(client, model.operation_model(wanted), v2_name, True, v2_name,
                     v2_name + "Exception")


# ---- errors as AWS names them ----------------------------------------------------------------

def error_name(operation: Operation, code: str) -> str:
    """The Task's error for a service error code: "DynamoDB.ConditionalCheckFailedException"
    (optimised), "S3.NoSuchKeyException" (aws-sdk), "SQS.AmazonSQSException" (unmodelled)."""
    name = _error_classes(operation.client).get(code, operation.base_error)
    return f"{operation.error_prefix}.{name}"


@functools.lru_cache(maxsize=None)
def _error_classes(client: str) -> dict:
    """Error code or shape name -> the SDK's exception class, which always ends in "Exception"
    (S3's NoSuchBucket -> NoSuchBucketException, SNS's code NotFound -> NotFoundException)."""
    classes = {}
    for shape in _service_model(client).error_shapes:
        name = shape.name if shape.name.endswith("Exception") else shape.name + "Exception"
        for key in (shape.name, shape.metadata.get("error", {}).get("code"), name):
            if key:
                classes.setdefault(key, name)
    return classes


def error_cause(message: str, service_label: str, status_code: int, request_id: str | None, *,
                error_code: str | None = None, extended_request_id: str | None = None,
                attempts: int | None = None) -> str:
    """A service error's cause as AWS words it. With ``error_code`` (optimised integrations, SDK
    v1): "msg (Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter; Request ID: x;
    Proxy: null)". Without (aws-sdk, SDK v2): "msg (Service: Glue, Status Code: 400, Request ID:
    null)", then ", Extended Request ID: y" for S3 and " (SDK Attempt Count: n)" when given."""
    request = "null" if request_id is None else request_id
    if error_code is not None:
        return (f"{message} (Service: {service_label}; Status Code: {status_code}; "
                f"Error Code: {error_code}; Request ID: {request}; Proxy: null)")
    extended = f", Extended Request ID: {extended_request_id}" if extended_request_id else ""
    tail = "" if attempts is None else f" (SDK Attempt Count: {attempts})"
    return (f"{message} (Service: {service_label}, Status Code: {status_code}, "
            f"Request ID: {request}{extended}){tail}")


def task_error(operation: Operation, code: str, message: str, status_code: int,
               request_id: str | None = None) -> tuple[str, str]:
    """(error, cause) of a failed call, in the SDK format of the integration's kind."""
    if operation.sdk:
        cause = error_cause(message, operation.service_label, status_code, request_id)
    else:
        cause = error_cause(message, operation.service_label, status_code, request_id,
                            error_code=code)
    return error_name(operation, code), cause


# ---- parameters AWS refuses before the call ---------------------------------------------------

def check_parameters(call) -> None:
    """Refuse resolved parameters that the operation's input shape refuses, as AWS does before
    scheduling the Task: States.Runtime "The Parameters '<json>' could not be used to start the
    Task: [<problem>, ...]". Resources without a model are not checked."""
    parameters = call.parameters
    target = _input_for(call.resource) if isinstance(parameters, dict) else None
    if target is None:
        return
    shape, any_json, sdk = target
    problems: list[str] = []
    _check_members(parameters, shape, "", _Checking(any_json, sdk, problems))
    if problems:
        raise StatesError("States.Runtime", f"The Parameters '{dumps(parameters)}' could not be "
                          f"used to start the Task: [{', '.join(problems)}]", prefix_state=True)


def parameters_always_accepted(resource: Resource, template) -> bool:
    """Whether ``check_parameters`` accepts whatever ``template`` (a state's compiled Parameters
    or Arguments, None without) resolves to: its constant parts pass and every value it reads
    lands where the model takes any JSON. Such a state's calls need no check at run time."""
    target = _input_for(resource) if template is not None else None
    if target is None:
        return True
    shape, any_json, sdk = target
    root = template.root
    checking = _Checking(any_json, sdk, [])
    if isinstance(root, Constant):
        if isinstance(root.value, dict):
            _check_members(root.value, shape, "", checking)
        return not checking.problems
    return isinstance(root, Object) and _object_accepted(root, shape, "", checking)


def _object_accepted(node, shape, path: str, checking: "_Checking") -> bool:
    members = _members(shape, checking.sdk)
    for key, child in node.children:
        member = members.get(key)
        if member is None:
            return False
        member_path = f"{path}.{key}" if path else key
        if member_path in checking.any_json or _takes_any_json(member):
            continue
        if isinstance(child, Constant):
            _check_value(child.value, member, key, member_path, checking)
            if checking.problems:
                return False
        elif not (isinstance(child, Object) and member.type_name == "structure"
                  and _object_accepted(child, member, member_path, checking)):
            return False
    return True


def _takes_any_json(shape) -> bool:
    kind = shape.type_name
    if kind == "structure":
        return bool(shape.metadata.get("document"))
    return kind not in ("list", "map") and kind not in _SCALARS


@functools.lru_cache(maxsize=None)
def _input_for(resource: Resource):
    """(input shape, members taking any JSON, aws-sdk?) for a resource, or None without a model."""
    if resource.kind != "integration" or _loader() is None:
        return None
    if resource.resource_type == "apigateway" and resource.action == _APIGATEWAY[0]:
        return _apigateway_input(), frozenset({"RequestBody"}), False
    operation = operation_for(resource)
    if operation is None:
        return None
    spec = None if operation.sdk else OPTIMISED[resource.resource_type]
    any_json = spec.actions[resource.action].any_json if spec else ()
    return operation.operation.input_shape, frozenset(any_json), operation.sdk


@dataclass
class _Checking:
    any_json: frozenset            # member paths that take any JSON
    sdk: bool                      # aws-sdk naming (see shapes.sfn_name)
    problems: list


def _check_members(value: dict, shape, path: str, checking: _Checking) -> None:
    members = _members(shape, checking.sdk)
    for key, item in value.items():
        member = members.get(key)
        if member is None:
            checking.problems.append(f'The field "{key}" is not supported by Step Functions')
        else:
            _check_value(item, member, key, f"{path}.{key}" if path else key, checking)


# What a scalar member accepts, and how AWS words the refusal. AWS's wording is recorded for
# STRING ({"N": 2014} in a DynamoDB item) and INTEGER (batch ArrayProperties.Size, aws-cdk
# issue 12284); the other names follow that pattern unconfirmed.
_SCALARS = {
    "string": ("a STRING", lambda v: isinstance(v, str)),
    "integer": ("an INTEGER", lambda v: _is_number(v) and float(v).is_integer()),
    "long": ("an INTEGER", lambda v: _is_number(v) and float(v).is_integer()),
    "boolean": ("a BOOLEAN", lambda v: isinstance(v, bool)),
    "float": ("a NUMBER", lambda v: _is_number(v)),
    "double": ("a NUMBER", lambda v: _is_number(v)),
    "timestamp": ("a TIMESTAMP", lambda v: isinstance(v, str) or _is_number(v)),
}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_value(value, shape, field: str, path: str, checking: _Checking) -> None:
    # null is passed on: the service itself refuses it (recorded: DynamoDB's "Value null at 'item'")
    if value is None or path in checking.any_json:
        return
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        if not isinstance(value, dict):
            checking.problems.append(_invalid_format(field))
        else:
            _check_members(value, shape, path, checking)
    elif kind == "list":
        if not isinstance(value, list):
            checking.problems.append(_invalid_format(field))
            return
        for item in value:
            _check_value(item, shape.member, field, path, checking)
    elif kind == "map":
        if not isinstance(value, dict):
            checking.problems.append(_invalid_format(field))
            return
        for item in value.values():
            _check_value(item, shape.value, field, path, checking)
    elif kind in _SCALARS:
        article, accepts = _SCALARS[kind]
        if not accepts(value):
            checking.problems.append(f"The value for the field '{field}' must be {article}")
    # blobs and documents take any JSON: AWS serialises what it is given


def _invalid_format(field: str) -> str:
    # recorded for apigateway:invoke Headers {"h": "v"} (a map of lists) and, in the wild, for a
    # QueryParameters string; the nearest named field is reported, not the map key
    return f"The value of the field '{field}' has an invalid format"


@functools.lru_cache(maxsize=None)   # botocore's shapes live as long as their loaded model
def _members(shape, sdk: bool = False) -> dict:
    """Member shapes by the name Step Functions expects (shapes.sfn_name): PascalCase
    ("awsvpcConfiguration" is AwsvpcConfiguration; AWS refuses "awsVpcConfiguration"), "Equals"
    as "EqualsValue", and aws-sdk names as the Java SDK v2 has them (DbInstanceIdentifier)."""
    if shape is None:
        return {}
    return {sfn_name(name, sdk): member for name, member in shape.members.items()}


@functools.lru_cache(maxsize=None)
def _apigateway_input():
    """apigateway:invoke's parameters (connect-api-gateway.md), as a botocore shape."""
    import botocore.model
    strings = {"type": "list", "member": {"shape": "String"}}
    model = {
        "metadata": {"protocol": "json", "serviceId": "ApiGateway", "apiVersion": "0"},
        "operations": {"Invoke": {"name": "Invoke", "input": {"shape": "Input"},
                                  "http": {"method": "POST", "requestUri": "/"}}},
        "shapes": {
            "String": {"type": "string"}, "Boolean": {"type": "boolean"},
            "Any": {"type": "structure", "members": {}, "document": True},
            "Strings": strings,
            "Multi": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Strings"}},
            "Input": {"type": "structure", "members": {
                "ApiEndpoint": {"shape": "String"}, "Method": {"shape": "String"},
                "Headers": {"shape": "Multi"}, "Stage": {"shape": "String"},
                "Path": {"shape": "String"}, "QueryParameters": {"shape": "Multi"},
                "RequestBody": {"shape": "Any"}, "AllowNullValues": {"shape": "Boolean"},
                "AuthType": {"shape": "String"}}},
        },
    }
    service = botocore.model.ServiceModel(model, "apigateway-invoke")
    return service.operation_model("Invoke").input_shape


# ---- resources and parameters AWS refuses at CreateStateMachine ---------------------------------

def check_definition_resource(arn: str, parameters: Any = None, *, state: str | None = None,
                              field: str = "Parameters") -> None:
    """Refuse, at load time, a Task resource AWS does not recognise (unknown aws-sdk service or
    action, an integration pattern the service does not support), and top-level parameter names
    an aws-sdk action does not have (``field`` is "Parameters" or "Arguments")."""
    resource = describe_resource(arn)
    sdk = resource.resource_type.startswith("aws-sdk:")
    if resource.kind != "integration" or (sdk and _loader() is None):
        return
    if not _recognised(resource):
        raise DefinitionError(f"The resource provided {arn} is not recognized. The value is not a "
                              "valid resource ARN, or the resource is not available in this region.",
                              state=state, field="Resource")
    if sdk and isinstance(parameters, dict):
        members = _members(operation_for(resource).operation.input_shape, sdk=True)
        for key in parameters:
            name = key[:-2] if key.endswith(".$") else key
            if name not in members:
                raise DefinitionError(f'The field "{name}" is not supported by Step Functions',
                                      state=state, field=field)


def _recognised(resource: Resource) -> bool:
    service, action, pattern = resource.resource_type, resource.action, resource.pattern
    if service.startswith("aws-sdk:"):
        # aws-sdk integrations support request-response and .waitForTaskToken, never .sync
        return pattern in (RR, WAIT) and operation_for(resource) is not None
    if service == "apigateway":
        return action == _APIGATEWAY[0] and pattern in _APIGATEWAY[1]
    spec = OPTIMISED.get(service)
    if spec is None:
        return service in _UNMODELLED
    known = spec.actions.get(action)
    if known is None:
        return not spec.complete
    return pattern in known.patterns
