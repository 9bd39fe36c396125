"""Retry/Catch (ASL501-503), Choice logic (ASL504-505), resources (ASL601-605) and payload
limits (ASL701)."""
from aslsim.validate import validate_definition

LAMBDA = "arn:aws:states:::lambda:invoke"


def found(definition):
    return [(d.code, d.severity, d.pointer, d.message) for d in validate_definition(definition)]


def task(**fields):
    states = {"T": {"Type": "Task", "Resource": LAMBDA, "End": True, **fields}}
    if "Catch" in fields:
        states["Recover"] = {"Type": "Succeed"}
    return {"StartAt": "T", "States": states}


def test_states_all_must_be_alone_and_last():
    definition = task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}, {"ErrorEquals": ["Y"]}])
    assert [(c, p) for c, _, p, _ in found(definition)] == [
        ("ASL501", "/States/T/Retry/0/ErrorEquals"), ("ASL501", "/States/T/Retry/0/ErrorEquals")]
    messages = [m for *_, m in found(definition)]
    assert messages == ["States.ALL must appear alone in ErrorEquals",
                        "States.ALL must be in the last retrier: the retriers after it can never be used"]


def test_retrier_ranges():
    definition = task(Retry=[{"ErrorEquals": ["X"], "IntervalSeconds": 0, "BackoffRate": 0.5,
                              "MaxDelaySeconds": 31622402, "JitterStrategy": "HALF"}])
    assert found(definition) == [
        ("ASL502", "error", "/States/T/Retry/0/IntervalSeconds",
         "IntervalSeconds must be an integer from 1 to 99999999, not 0"),
        ("ASL502", "error", "/States/T/Retry/0/BackoffRate",
         "BackoffRate must be a number of at least 1.0, not 0.5"),
        ("ASL502", "error", "/States/T/Retry/0/MaxDelaySeconds",
         "MaxDelaySeconds must be an integer from 1 to 31622401, not 31622402"),
        ("ASL502", "error", "/States/T/Retry/0/JitterStrategy",
         "JitterStrategy must be FULL or NONE, not 'HALF'")]


def test_a_catcher_after_one_handling_the_same_errors_is_never_used():
    definition = task(Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "Recover"},
                             {"ErrorEquals": ["Lambda.ServiceException"], "Next": "Recover"}])
    assert found(definition) == [
        ("ASL503", "warning", "/States/T/Catch/1",
         "this catcher can never be used: every error it names is handled by an earlier one")]


def test_a_catcher_needs_next_and_jsonata_catchers_have_no_result_path():
    definition = task(Catch=[{"ErrorEquals": ["X"]}], QueryLanguage="JSONata")
    definition["States"]["T"]["Catch"].append({"ErrorEquals": ["Y"], "Next": "Recover",
                                               "ResultPath": "$.e"})
    assert [(c, p) for c, _, p, _ in found(definition)] == [
        ("ASL101", "/States/T/Catch/0"), ("ASL402", "/States/T/Catch/1/ResultPath")]


def choice(*rules, language=None):
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [dict(rule, Next="D") for rule in rules], "Default": "D"},
        "D": {"Type": "Succeed"}}}
    if language:
        definition["QueryLanguage"] = language
    return definition


def test_a_rule_that_contradicts_itself_never_matches():
    definition = choice({"And": [{"Variable": "$.n", "NumericLessThan": 3},
                                 {"Variable": "$.n", "NumericGreaterThan": 5}]},
                        {"And": [{"Variable": "$.s", "StringEquals": "a"},
                                 {"Variable": "$.s", "NumericEquals": 1}]})
    assert [(c, p) for c, _, p, _ in found(definition)] == [
        ("ASL504", "/States/C/Choices/0"), ("ASL504", "/States/C/Choices/1")]


def test_a_rule_inside_an_earlier_rule_is_shadowed():
    definition = choice({"Variable": "$.n", "NumericLessThan": 10},
                        {"Variable": "$.n", "NumericLessThanEquals": 5},
                        {"Variable": "$.n", "NumericGreaterThan": 5},
                        {"And": [{"Variable": "$.n", "NumericGreaterThan": 20},
                                 {"Variable": "$.t", "StringEquals": "x"}]})
    assert found(definition) == [
        ("ASL505", "warning", "/States/C/Choices/1",
         "this rule is never chosen: rule 0 before it matches every input it matches"),
        ("ASL505", "warning", "/States/C/Choices/3",
         "this rule is never chosen: rule 2 before it matches every input it matches")]


def test_distinct_rules_are_not_reported():
    definition = choice({"Variable": "$.n", "NumericLessThan": 5},
                        {"Variable": "$.n", "NumericGreaterThanEquals": 5},
                        {"Variable": "$.t", "TimestampLessThan": "2024-01-01T00:00:00Z"})
    assert found(definition) == []


def test_jsonata_rules_true_false_and_repeated():
    definition = choice({"Condition": "{% false %}"}, {"Condition": "{% $states.input.x %}"},
                        {"Condition": "{% $states.input.x %}"}, {"Condition": "{% true %}"},
                        {"Condition": "{% $states.input.y %}"}, language="JSONata")
    assert [(c, p) for c, _, p, _ in found(definition)] == [
        ("ASL504", "/States/C/Choices/0/Condition"), ("ASL505", "/States/C/Choices/2"),
        ("ASL505", "/States/C/Choices/4")]


def test_choice_rule_shape():
    definition = choice({"Variable": "$.n", "NumericEquals": "1"},
                        {"Variable": "$.n", "StringEqual": "x"},
                        {"Not": {"Variable": "$.n", "IsNull": True, "Next": "D"}})
    assert [(c, p) for c, _, p, _ in found(definition)] == [
        ("ASL103", "/States/C/Choices/0/NumericEquals"), ("ASL101", "/States/C/Choices/1"),
        ("ASL102", "/States/C/Choices/1/StringEqual"), ("ASL102", "/States/C/Choices/2/Not/Next")]
    [hint] = [d.hint for d in validate_definition(definition) if d.code == "ASL102"][:1]
    assert hint == "did you mean 'StringEquals'?"


def test_resource_arn_integration_pattern_and_sdk_parameters():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "lambda:invoke", "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObjekt", "Next": "C"},
        "C": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem.sync", "Next": "D"},
        "D": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "End": True,
              "Parameters": {"Bucket": "b", "Key": "k", "Bukket.$": "$.b"}}}}
    assert found(definition) == [
        ("ASL601", "error", "/States/A/Resource", "Resource 'lambda:invoke' is not a valid ARN"),
        ("ASL602", "error", "/States/B/Resource", "The resource provided "
         "arn:aws:states:::aws-sdk:s3:getObjekt is not recognized: Step Functions has no such integration"),
        ("ASL604", "error", "/States/C/Resource",
         "dynamodb:getItem does not support the .sync integration pattern"),
        ("ASL603", "error", "/States/D/Parameters/Bukket.$",
         'The field "Bukket" is not supported by Step Functions')]


def test_wait_for_task_token_without_the_token_is_a_warning():
    definition = task(Parameters={"QueueUrl": "q", "MessageBody": {"x.$": "$"}})
    definition["States"]["T"]["Resource"] = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    [d] = validate_definition(definition)
    assert (d.code, d.severity, d.pointer) == ("ASL605", "warning", "/States/T/Resource")
    definition["States"]["T"]["Parameters"]["MessageBody"]["token.$"] = "$$.Task.Token"
    assert validate_definition(definition) == []


def test_a_constant_result_over_256_kib():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True,
                                                   "Result": {"blob": "x" * 262144}}}}
    [d] = validate_definition(definition)
    assert (d.code, d.severity, d.pointer, d.message) == (
        "ASL701", "warning", "/States/A/Result", "this constant Result is 262155 bytes, over the "
        "262144-byte (256 KiB) payload limit: every execution reaching the state fails with "
        "States.DataLimitExceeded")
