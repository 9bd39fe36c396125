"""State machines over the API, as recorded on AWS (test_sfn_api snapshots)."""
import json

from conftest import PASS, ROLE, error_of


def test_a_created_machine_is_described_with_aws_defaults(sfn, create):
    arn = create(name="orders")
    assert arn == "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert json.loads(described["definition"]) == PASS
    assert {k: described[k] for k in ("name", "status", "type", "roleArn", "loggingConfiguration",
                                      "tracingConfiguration")} == {
        "name": "orders", "status": "ACTIVE", "type": "STANDARD", "roleArn": ROLE,
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
        "tracingConfiguration": {"enabled": False}}
    assert "revisionId" not in described      # none until the first update (recorded)


def test_creating_the_same_machine_twice_is_idempotent_and_a_different_one_is_refused(sfn, create):
    first = create(name="m")
    assert create(name="m") == first
    changed = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    assert error_of(create, changed, name="m") == (
        "StateMachineAlreadyExists", f"State Machine Already Exists: '{first}'")


def test_an_invalid_definition_is_refused_with_aslsim_diagnostics(create):
    code, message = error_of(create, {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})
    assert code == "InvalidDefinition"
    assert message.startswith("Invalid State Machine Definition: 'ASL")
    assert "ASL201: Next 'B' does not name a state in the state machine at /States/A/Next" in message


def test_a_definition_that_is_not_json_is_refused(create):
    code, message = error_of(create, "StartAt: A")
    assert code == "InvalidDefinition"
    assert "INVALID_JSON_DESCRIPTION" in message


def test_a_name_with_forbidden_characters_is_invalid(create):
    assert error_of(create, name="my machine$") == ("InvalidName", "Invalid Name: 'my machine$'")


def test_an_update_makes_a_new_revision_only_when_something_changed(sfn, create):
    arn = create()
    first = sfn.update_state_machine(stateMachineArn=arn, roleArn=ROLE + "-2")
    again = sfn.update_state_machine(stateMachineArn=arn, roleArn=ROLE + "-2")
    assert first["revisionId"] == again["revisionId"]
    changed = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "End": True}}}
    third = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(changed))
    assert third["revisionId"] != first["revisionId"]
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["revisionId"] == third["revisionId"]
    assert described["roleArn"] == ROLE + "-2" and json.loads(described["definition"]) == changed


def test_an_update_without_anything_to_change_is_refused(sfn, create):
    arn = create()
    assert error_of(sfn.update_state_machine, stateMachineArn=arn) == (
        "MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, "
        "or the TracingConfiguration must be specified")
    assert error_of(sfn.update_state_machine, stateMachineArn=arn, roleArn=ROLE, versionDescription="v") == (
        "ValidationException", "Version description can only be set when publish is true")


def test_deleting_removes_the_machine_and_deleting_a_missing_one_answers_200(sfn, create):
    arn = create()
    sfn.delete_state_machine(stateMachineArn=arn)
    sfn.delete_state_machine(stateMachineArn=arn)
    assert error_of(sfn.describe_state_machine, stateMachineArn=arn) == (
        "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def test_machines_are_listed_by_name_in_pages(sfn, create):
    for i in range(13):
        create(name=f"machine_{i}")
    first = sfn.list_state_machines(maxResults=10)
    second = sfn.list_state_machines(maxResults=10, nextToken=first["nextToken"])
    names = [m["name"] for m in first["stateMachines"] + second["stateMachines"]]
    assert names == sorted(f"machine_{i}" for i in range(13))      # by name, as recorded
    assert len(first["stateMachines"]) == 10 and "nextToken" not in second
    assert set(first["stateMachines"][0]) >= {"stateMachineArn", "name", "type", "creationDate"}


def test_page_sizes_and_tokens_out_of_range_are_refused_as_aws_words_it(sfn):
    assert error_of(sfn.list_state_machines, maxResults=1001) == (
        "ValidationException", "1 validation error detected: Value '1001' at 'maxResults' failed to "
        "satisfy constraint: Member must have value less than or equal to 1000")
    code, message = error_of(sfn.list_state_machines, nextToken="x" * 1025)
    assert code == "ValidationException"
    assert message.endswith("at 'nextToken' failed to satisfy constraint: Member must have length "
                            "less than or equal to 1024")
    assert error_of(sfn.list_state_machines, nextToken="not-a-token")[0] == "InvalidToken"


def test_an_arn_that_is_no_arn_is_invalid(sfn):
    assert error_of(sfn.describe_state_machine, stateMachineArn="not_a_valid_arn") == (
        "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'")
    execution = "arn:aws:states:us-east-1:123456789012:execution:m:e"
    assert error_of(sfn.describe_state_machine, stateMachineArn=execution) == (
        "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: execution'")


def test_the_region_comes_from_the_clients_signature(aslsim_server):
    client = aslsim_server.client(region_name="eu-west-1")
    arn = client.create_state_machine(name="m", definition=json.dumps(PASS), roleArn=ROLE)["stateMachineArn"]
    assert arn == "arn:aws:states:eu-west-1:123456789012:stateMachine:m"
    assert [m["name"] for m in client.list_state_machines()["stateMachines"]] == ["m"]
    assert aslsim_server.client(region_name="us-east-1").list_state_machines()["stateMachines"] == []


def test_validate_state_machine_definition_reports_aslsim_diagnostics_in_awss_shape(sfn):
    bad = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}})
    result = sfn.validate_state_machine_definition(definition=bad)
    assert result["result"] == "FAIL" and result["truncated"] is False
    found = {d["code"]: d for d in result["diagnostics"]}
    assert found["ASL201"]["severity"] == "ERROR"
    assert found["ASL201"]["location"] == "/States/A/Next"
    assert sfn.validate_state_machine_definition(definition=json.dumps(PASS))["result"] == "OK"
    limited = sfn.validate_state_machine_definition(definition=bad, maxResults=1, severity="WARNING")
    assert len(limited["diagnostics"]) == 1


REFERENCING = {"StartAt": "Setup", "States": {
    "Setup": {"Type": "Pass", "Assign": {"guess": "g", "answer": "a"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "Done"}],
              "Default": "Done"},
    "Done": {"Type": "Pass", "Parameters": {"it.$": "$answer"}, "End": True}}}


def test_variable_references_are_described_per_state_as_aws_lists_them(sfn, create):
    arn = create(REFERENCING, name="refs")
    expected = {"Check": ["answer", "guess"], "Done": ["answer"]}
    assert sfn.describe_state_machine(stateMachineArn=arn)["variableReferences"] == expected
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert sfn.describe_state_machine_for_execution(executionArn=execution)["variableReferences"] == expected
    # read from the definition, so withheld with it
    assert "variableReferences" not in sfn.describe_state_machine(stateMachineArn=arn, includedData="METADATA_ONLY")
    assert "variableReferences" not in sfn.describe_state_machine(stateMachineArn=create(name="plain"))


def test_a_map_run_childs_machine_is_the_map_s_item_processor(sfn, create):
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Use",
                 "States": {"Use": {"Type": "Pass", "Parameters": {"seen.$": "$limit"}, "End": True}}}
    arn = create({"StartAt": "Setup", "States": {
        "Setup": {"Type": "Pass", "Assign": {"limit": 3}, "Next": "Fan"},
        "Fan": {"Type": "Map", "Label": "Fan", "End": True, "ItemProcessor": processor}}}, name="fan")
    execution = sfn.start_execution(stateMachineArn=arn, input="[1]")["executionArn"]
    run = sfn.list_map_runs(executionArn=execution)["mapRuns"][0]["mapRunArn"]
    child = sfn.list_executions(mapRunArn=run)["executions"][0]["executionArn"]
    described = sfn.describe_state_machine_for_execution(executionArn=child)
    assert (described["label"], json.loads(described["definition"])) == ("Fan", processor)
    assert described["variableReferences"] == {"Use": ["limit"]}
    assert sfn.describe_state_machine(stateMachineArn=arn + "/Fan")["variableReferences"] == {"Use": ["limit"]}
