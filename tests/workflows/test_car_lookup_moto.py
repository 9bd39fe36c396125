"""The car-lookup workflow (/work/shared/workflows/car-lookup-variables.md) against moto's AWS.

DynamoDB and SNS are moto's, inside ``moto.mock_aws()``: the test creates the ``cars`` table and
the two topics, subscribes an SQS queue to each topic, runs the workflow with ``aws="moto"`` and
reads back with ordinary boto3 clients what the workflow wrote and published. The Lambda
(``car-api``) is answered by a local handler, statemachines/handlers/car_lookup.py, which returns
what the real function returns for a Ford, an Audi, an unknown registration and a missing one;
one test answers it with a declared mock for the ``Lambda Invoke`` state instead (a mock keyed by
state name is asked before moto).

Regions: the workflow as described lives in eu-west-1 (its topic and function ARNs say so).
Most tests run the same definition deployed in us-east-1 (``deployed_in("us-east-1")``: every
ARN's region replaced, resources created there);
``test_workflow_as_written_uses_the_eu_west_1_table_and_topic`` runs it as written with
``region="eu-west-1"``, against eu-west-1 resources, as AWS would.

Two definitions:
* statemachines/car_lookup.asl.json, the workflow as described (numbers made strings by $string);
* statemachines/car_lookup_number_bug.asl.json, the first version the description's refusal came
  from: no ``$string`` and an item of two attributes (the quoted Parameters show exactly ``make``
  and ``yearOfManufacture``), so PutItem is given ``{"N": 2014}``.

The virtual clock starts at 2025-02-25T19:12:58Z and the Lambda takes 0.9 s; moto's calls take
no virtual time, so ``$now()`` in the success message is 2025-02-25T19:12:58.900Z.
"""
import json
import re
from pathlib import Path

import pytest

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

import aslsim  # noqa: E402
from aslsim.testing import expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "car_lookup.asl.json"
NUMBER_BUG_DEFINITION = ROOT / "statemachines" / "car_lookup_number_bug.asl.json"
FIXTURES = ROOT / "fixtures" / "car_lookup"

MOTO_REGION = "us-east-1"       # where aslsim's moto answerer sends every call
DESCRIBED_REGION = "eu-west-1"  # where the workflow as described runs
ACCOUNT = "123456789012"
START = "2025-02-25T19:12:58Z"
LAMBDA_SECONDS = 0.9

FORD = {"registrationNumber": "FD14GRY"}
AUDI = {"registrationNumber": "AU19BLK"}
UNKNOWN = {"registrationNumber": "NOTAREG"}

HAPPY_PATH = ["Lambda Invoke", "Check API Status Code", "DynamoDB PutItem", "SNS Publish: Success"]
CAUGHT_PATH = ["Lambda Invoke", "SNS Publish: Fail", "Car Lookup Failed"]

FORD_ITEM = {
    "make": {"S": "FORD"},
    "yearOfManufacture": {"N": "2014"},
    "engineCapacity": {"N": "1242"},
    "co2Emissions": {"N": "120"},
    "fuelType": {"S": "PETROL"},
    "markedForExport": {"BOOL": False},
    "colour": {"S": "GREY"},
}
FORD_KEY = {"make": {"S": "FORD"}, "yearOfManufacture": {"N": "2014"}}
FORD_MESSAGE = "A 2014 GREY FORD has been added to DynamoDB on 2025-02-25T19:12:58.900Z"

# the Assign error of the definition as described (its field holds $string(...))
ASSIGN_CAUSE = (
    "An error occurred while executing the state 'Lambda Invoke' (entered at the event id #2). "
    "The JSONata expression '$string($states.result.Payload.body.yearOfManufacture)' specified "
    "for the field 'Assign/yearOfManufacture' returned nothing (undefined).")


def refusal(field, value):
    """AWS's refusal of the number-bug PutItem whose year attribute is {field: value}."""
    parameters = json.dumps({"TableName": "cars", "Item": {"make": {"S": "FORD"},
                                                            "yearOfManufacture": {field: value}}},
                            separators=(",", ":"))
    return ("An error occurred while executing the state 'DynamoDB PutItem' (entered at the event "
            f"id #9). The Parameters '{parameters}' could not be used to start the Task: "
            f"[The value for the field '{field}' must be a STRING]")


def deployed_in(region, path=DEFINITION):
    """The definition with every ARN in ``region``: the same workflow deployed there."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text.replace(f":{DESCRIBED_REGION}:", f":{region}:"))


def topic_arn(name, region=MOTO_REGION):
    return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"


HANDLER = ROOT / "statemachines" / "handlers" / "car_lookup.py"
# an absolute path: the region-replaced definitions are dicts, with no folder to resolve it from
LAMBDAS = {"car-api": {"handler": f"{HANDLER}:handler", "duration": LAMBDA_SECONDS}}


def run(machine, data, **answerers):
    answerers.setdefault("lambdas", LAMBDAS)
    return machine.run(data, aws="moto", start_time=START, **answerers)


class AWS:
    """moto's AWS in one region as the workflow needs it: the ``cars`` table, the success and
    failure topics, and an SQS queue subscribed to each topic to read what was published."""

    def __init__(self, region):
        self.dynamodb = boto3.client("dynamodb", region_name=region)
        self.sns = boto3.client("sns", region_name=region)
        self.sqs = boto3.client("sqs", region_name=region)
        self.dynamodb.create_table(
            TableName="cars", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "make", "KeyType": "HASH"},
                       {"AttributeName": "yearOfManufacture", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "make", "AttributeType": "S"},
                                  {"AttributeName": "yearOfManufacture", "AttributeType": "N"}])
        self.success_queue = self._subscribed_queue("success-stepfunction")
        self.failure_queue = self._subscribed_queue("failure-stepfunction")

    def _subscribed_queue(self, topic_name):
        topic = self.sns.create_topic(Name=topic_name)["TopicArn"]
        queue_url = self.sqs.create_queue(QueueName=f"{topic_name}-inbox")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        return queue_url

    def notifications(self, queue_url):
        """The SNS notifications delivered to the queue (the envelopes, parsed)."""
        received = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in received.get("Messages", [])]

    def items(self):
        return self.dynamodb.scan(TableName="cars")["Items"]


@pytest.fixture
def aws():
    with moto.mock_aws():
        yield AWS(MOTO_REGION)


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(deployed_in(MOTO_REGION), name="car_lookup")


@pytest.fixture(scope="module")
def number_bug_machine():
    return aslsim.load(deployed_in(MOTO_REGION, NUMBER_BUG_DEFINITION), name="car_lookup_number_bug")


@pytest.fixture
def ford(aws, machine):
    return run(machine, FORD)


# -- the happy path: the item in DynamoDB, the message on SNS ---------------------------------------

def test_ford_lookup_succeeds_along_the_happy_path(ford):
    assert ford.status == "SUCCEEDED"
    assert ford.error is None and ford.cause is None
    assert ford.path == HAPPY_PATH


def test_ford_item_is_written_with_typed_attributes_and_numbers_as_strings(aws, ford):
    assert aws.dynamodb.get_item(TableName="cars", Key=FORD_KEY)["Item"] == FORD_ITEM
    assert aws.items() == [FORD_ITEM]


def test_success_message_is_received_through_the_subscribed_queue(aws, ford):
    [notification] = aws.notifications(aws.success_queue)
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == topic_arn("success-stepfunction")
    assert notification["Message"] == FORD_MESSAGE
    assert aws.notifications(aws.failure_queue) == []


def test_output_is_the_sns_publish_response_of_the_message_received(aws, ford):
    [notification] = aws.notifications(aws.success_queue)
    assert set(ford.output) == {"MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}
    assert ford.output["MessageId"] == notification["MessageId"]
    assert ford.output["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_variables_hold_the_car_with_numbers_made_strings(ford):
    assert ford.variables == {
        "statusCode": 200,
        "yearOfManufacture": "2014",
        "make": "FORD",
        "engineCapacity": "1242",
        "co2Emissions": "120",
        "fuelType": "PETROL",
        "markedForExport": False,
        "colour": "GREY",
    }


def test_lambda_handler_gets_the_execution_input_and_its_response_is_the_output_of_lambda_invoke(ford):
    invoke = ford.calls[0]
    assert invoke["state"] == "Lambda Invoke"
    assert invoke["parameters"] == {
        "FunctionName": f"arn:aws:lambda:{MOTO_REGION}:{ACCOUNT}:function:car-api:$LATEST",
        "Payload": FORD}
    assert invoke["result"]["Payload"] == {"statusCode": 200, "body": {
        "make": "FORD", "yearOfManufacture": 2014, "engineCapacity": 1242, "co2Emissions": 120,
        "fuelType": "PETROL", "markedForExport": False, "colour": "GREY"}}
    exited = next(e for e in ford.history if e["type"] == "TaskStateExited")
    assert json.loads(exited["stateExitedEventDetails"]["output"]) == invoke["result"]["Payload"]


def test_dynamodb_and_sns_are_called_after_the_lambda_on_virtual_time(ford):
    assert [(c["state"], c["resource"], c["time"]) for c in ford.calls] == [
        ("Lambda Invoke", "arn:aws:states:::lambda:invoke", 1740510778000),
        ("DynamoDB PutItem", "arn:aws:states:::dynamodb:putItem", 1740510778900),
        ("SNS Publish: Success", "arn:aws:states:::sns:publish", 1740510778900),
    ]
    assert ford.calls[1]["parameters"] == {"TableName": "cars", "Item": FORD_ITEM}
    assert ford.calls[2]["parameters"] == {"TopicArn": topic_arn("success-stepfunction"),
                                           "Message": FORD_MESSAGE}


def test_ford_and_audi_leave_two_items_in_the_table(aws, machine):
    assert run(machine, FORD).status == "SUCCEEDED"
    assert run(machine, AUDI).status == "SUCCEEDED"

    items = sorted(aws.items(), key=lambda item: item["make"]["S"])
    assert items == [
        {"make": {"S": "AUDI"}, "yearOfManufacture": {"N": "2019"}, "engineCapacity": {"N": "1968"},
         "co2Emissions": {"N": "134"}, "fuelType": {"S": "DIESEL"}, "markedForExport": {"BOOL": False},
         "colour": {"S": "BLACK"}},
        FORD_ITEM,
    ]
    assert [n["Message"] for n in aws.notifications(aws.success_queue)] == [
        FORD_MESSAGE,
        "A 2019 BLACK AUDI has been added to DynamoDB on 2025-02-25T19:12:58.900Z",
    ]


def test_putting_the_same_key_twice_overwrites_the_item(aws, machine):
    """The second lookup is answered by a declared mock for the Lambda state: the Ford resprayed."""
    assert run(machine, FORD).status == "SUCCEEDED"
    resprayed = json.loads((FIXTURES / "lambda_ford.json").read_text(encoding="utf-8"))
    resprayed["Payload"]["body"]["colour"] = "RED"

    ex = run(machine, FORD, mocks={"Lambda Invoke": {"return": resprayed, "duration": 0.9}},
             lambdas=None)

    assert ex.status == "SUCCEEDED"
    ex.assert_all_mocks_used()
    assert aws.items() == [{**FORD_ITEM, "colour": {"S": "RED"}}]
    assert [n["Message"] for n in aws.notifications(aws.success_queue)] == [
        FORD_MESSAGE,
        "A 2014 RED FORD has been added to DynamoDB on 2025-02-25T19:12:58.900Z",
    ]


# -- the Lambda's error answers fail the Assign; the Catch publishes to the failure topic ---------

@pytest.mark.parametrize("data", [UNKNOWN, {}], ids=["invalid registration", "missing input"])
def test_lookup_without_a_car_fails_in_assign_and_publishes_the_error(aws, machine, data):
    ex = run(machine, data)

    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == ("States.QueryEvaluationError", ASSIGN_CAUSE)
    assert ex.path == CAUGHT_PATH          # the Choice never runs
    assert ex.variables == {}
    assert aws.items() == []
    [notification] = aws.notifications(aws.failure_queue)
    assert notification["TopicArn"] == topic_arn("failure-stepfunction")
    assert json.loads(notification["Message"]) == {"Error": "States.QueryEvaluationError",
                                                   "Cause": ASSIGN_CAUSE}
    assert aws.notifications(aws.success_queue) == []


# -- a missing table: DynamoDB's error, retried with full jitter on virtual time, then caught -------

NOT_FOUND_CAUSE = re.compile(
    r"Requested resource not found \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: "
    r"ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)")


def test_missing_table_is_retried_three_times_with_full_jitter_then_caught(aws, machine):
    aws.dynamodb.delete_table(TableName="cars")

    ex = run(machine, FORD, seed=7)

    assert ex.status == "FAILED"
    assert ex.error == "DynamoDB.ResourceNotFoundException"
    assert NOT_FOUND_CAUSE.fullmatch(ex.cause)
    assert ex.path == ["Lambda Invoke", "Check API Status Code", "DynamoDB PutItem",
                       "SNS Publish: Fail", "Car Lookup Failed"]
    puts = [c for c in ex.calls if c["state"] == "DynamoDB PutItem"]
    assert len(puts) == 4 and all(c["error"] == ex.error for c in puts)
    # FULL jitter: each delay is drawn from [0, IntervalSeconds x BackoffRate^n], on virtual time
    delays = [later["time"] - earlier["time"] for earlier, later in zip(puts, puts[1:])]
    assert all(0 <= delay <= 1000 * 2 ** n for n, delay in enumerate(delays))
    assert ex.stop_ms - ex.start_ms == LAMBDA_SECONDS * 1000 + sum(delays)
    [notification] = aws.notifications(aws.failure_queue)
    assert json.loads(notification["Message"]) == {"Error": ex.error, "Cause": ex.cause}


def test_retry_delays_are_the_same_for_the_same_seed(aws, machine):
    aws.dynamodb.delete_table(TableName="cars")
    first, second, other = (run(machine, FORD, seed=seed) for seed in (7, 7, 8))
    assert [c["time"] for c in first.calls] == [c["time"] for c in second.calls]
    assert [c["time"] for c in first.calls] != [c["time"] for c in other.calls]


# -- {"N": 2014}: AWS refuses the Parameters before the Task starts -----------------------------------

def test_year_as_number_is_refused_before_put_item_starts(aws, number_bug_machine):
    ex = run(number_bug_machine, FORD)

    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == refusal("N", 2014)
    # States.Runtime is neither retried nor caught by States.ALL: the execution fails at once
    assert ex.path == ["Lambda Invoke", "Check API Status Code", "DynamoDB PutItem"]
    assert ex.variables == {"statusCode": 200, "yearOfManufacture": 2014, "make": "FORD"}
    assert [e["type"] for e in ex.history[-2:]] == ["TaskStateEntered", "ExecutionFailed"]
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": "States.Runtime",
                                                             "cause": refusal("N", 2014)}


def test_year_as_number_writes_nothing_and_publishes_nothing(aws, number_bug_machine):
    ex = run(number_bug_machine, FORD)

    assert aws.items() == []
    assert aws.notifications(aws.success_queue) == []
    assert aws.notifications(aws.failure_queue) == []
    scheduled = [e["taskScheduledEventDetails"]["resource"] for e in ex.history
                 if e["type"] == "TaskScheduled"]
    assert scheduled == ["invoke"]   # only the Lambda was ever scheduled


def test_a_refused_put_item_was_never_called(aws, number_bug_machine):
    # AWS refuses the Parameters before scheduling: no TaskScheduled, so no call, and
    # not_called agrees with the history
    ex = run(number_bug_machine, FORD)

    assert [c["state"] for c in ex.calls] == ["Lambda Invoke"]
    expect(ex).not_called("DynamoDB PutItem")
    scheduled = [e for e in ex.history if e["type"] == "TaskScheduled"]
    assert len(scheduled) == len(ex.calls)


def test_year_as_number_in_a_string_attribute_is_refused_likewise(aws):
    definition = deployed_in(MOTO_REGION, NUMBER_BUG_DEFINITION)
    definition["States"]["DynamoDB PutItem"]["Arguments"]["Item"]["yearOfManufacture"] = {
        "S": "{% $yearOfManufacture %}"}

    ex = run(aslsim.load(definition), FORD)

    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.Runtime", refusal("S", 2014))
    assert aws.items() == []


# -- as written, in eu-west-1 ------------------------------------------------------------------------

def test_workflow_as_written_uses_the_eu_west_1_table_and_topic():
    with moto.mock_aws():
        aws = AWS(DESCRIBED_REGION)
        ex = run(aslsim.load(str(DEFINITION)), FORD, region=DESCRIBED_REGION)

        assert ex.status == "SUCCEEDED"
        assert ex.path == HAPPY_PATH
        assert aws.items() == [FORD_ITEM]
        [notification] = aws.notifications(aws.success_queue)
        assert notification["TopicArn"] == topic_arn("success-stepfunction", DESCRIBED_REGION)
        assert notification["Message"] == FORD_MESSAGE
