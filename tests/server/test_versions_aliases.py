"""Versions and aliases, with AWS's recorded rules and messages (test_sfn_api_versioning and
test_sfn_api_aliasing snapshots)."""
import json

from conftest import PASS, error_of

OTHER = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v2", "End": True}}}


def test_publishing_on_create_makes_version_1_which_describes_the_definition(sfn, create):
    created = sfn.create_state_machine(name="m", definition=json.dumps(PASS), roleArn="arn:aws:iam::1:role/r",
                                       publish=True, versionDescription="first")
    assert created["stateMachineVersionArn"] == created["stateMachineArn"] + ":1"
    version = sfn.describe_state_machine(stateMachineArn=created["stateMachineVersionArn"])
    assert version["stateMachineArn"] == created["stateMachineVersionArn"]
    assert version["description"] == "first" and json.loads(version["definition"]) == PASS


def test_a_version_description_needs_publish(create):
    assert error_of(create, versionDescription="x") == (
        "ValidationException", "Version description can only be set when publish is true")


def test_publishing_is_idempotent_per_revision_and_numbers_are_never_reused(sfn, create):
    arn = create()
    v1 = sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == v1
    update = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(OTHER), publish=True)
    assert update["stateMachineVersionArn"] == arn + ":2"
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":2")
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":2")       # gone already: 200
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS))
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == arn + ":3"
    listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [arn + ":3", arn + ":1"]   # newest first


def test_publishing_a_stale_revision_is_a_conflict(sfn, create):
    arn = create()
    first = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(OTHER))["revisionId"]
    latest = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS))["revisionId"]
    assert error_of(sfn.publish_state_machine_version, stateMachineArn=arn, revisionId=first) == (
        "ConflictException", f"Failed to publish the State Machine version for revision {first}. "
                             f"The current State Machine revision is {latest}.")


def test_an_execution_of_a_version_runs_that_version(sfn, create):
    arn = create()
    sfn.publish_state_machine_version(stateMachineArn=arn)
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(OTHER))
    execution = sfn.start_execution(stateMachineArn=arn + ":1", name="old")["executionArn"]
    assert execution.endswith(":execution:machine:old")
    described = sfn.describe_execution(executionArn=execution)
    assert described["output"] == '{"Arg1":"argument1"}'
    assert described["stateMachineVersionArn"] == arn + ":1" and "stateMachineAliasArn" not in described
    sfn.start_execution(stateMachineArn=arn, name="current")
    by_version = sfn.list_executions(stateMachineArn=arn + ":1")["executions"]
    assert [e["name"] for e in by_version] == ["old"]
    assert {e["name"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]} == {"old", "current"}


def _versions(sfn, create, count=2):
    arn = create()
    versions = [sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]]
    for i in range(count - 1):
        sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": i, "End": True}}}), publish=True)
        versions.append(f"{arn}:{i + 2}")
    return arn, versions


def test_an_alias_routes_executions_to_its_version_and_is_described(sfn, create):
    arn, (v1, v2) = _versions(sfn, create)
    alias = sfn.create_state_machine_alias(name="PROD", description="live",
                                           routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
    assert alias["stateMachineAliasArn"] == arn + ":PROD"
    execution = sfn.start_execution(stateMachineArn=alias["stateMachineAliasArn"])["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["stateMachineAliasArn"], described["stateMachineVersionArn"]) == (arn + ":PROD", v1)
    sfn.update_state_machine_alias(stateMachineAliasArn=arn + ":PROD",
                                   routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50},
                                                         {"stateMachineVersionArn": v2, "weight": 50}])
    shown = sfn.describe_state_machine_alias(stateMachineAliasArn=arn + ":PROD")
    assert shown["description"] == "live" and [r["weight"] for r in shown["routingConfiguration"]] == [50, 50]
    chosen = {sfn.describe_execution(executionArn=sfn.start_execution(
        stateMachineArn=arn + ":PROD")["executionArn"])["stateMachineVersionArn"] for _ in range(40)}
    assert chosen == {v1, v2}
    assert [e["stateMachineAliasArn"] for e in sfn.list_executions(stateMachineArn=arn + ":PROD")[
        "executions"]] == [arn + ":PROD"] * 41


def test_creating_an_alias_is_idempotent_and_a_different_one_of_the_same_name_conflicts(sfn, create):
    arn, (v1, v2) = _versions(sfn, create)
    routing = [{"stateMachineVersionArn": v1, "weight": 100}]
    first = sfn.create_state_machine_alias(name="a", routingConfiguration=routing)["stateMachineAliasArn"]
    assert sfn.create_state_machine_alias(name="a", routingConfiguration=routing)["stateMachineAliasArn"] == first
    assert error_of(sfn.create_state_machine_alias, name="a",
                    routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}]) == (
        "ConflictException", "Failed to create alias because an alias with the same name and a different "
                             "routing configuration already exists.")


def test_routing_configurations_aws_refuses(sfn, create):
    arn, (v1, v2) = _versions(sfn, create)
    make = sfn.create_state_machine_alias
    assert error_of(make, name="a", routingConfiguration=[{"stateMachineVersionArn": arn, "weight": 100}]) == (
        "ValidationException", f"Routing configuration must contain state machine version ARNs. Received: [{arn}]")
    assert error_of(make, name="a", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50},
                                                          {"stateMachineVersionArn": v1, "weight": 50}]) == (
        "ValidationException", "Routing configuration must contain distinct state machine version ARNs. "
                               f"Received: [{v1}, {v1}]")
    assert error_of(make, name="a", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 70},
                                                          {"stateMachineVersionArn": v2, "weight": 29}]) == (
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]")
    assert error_of(make, name="a", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 101}]) == (
        "ValidationException", "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' "
                               "failed to satisfy constraint: Member must have value less than or equal to 100")
    assert error_of(make, name="123", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]) == (
        "ValidationException", "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: "
                               "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")
    three = [{"stateMachineVersionArn": f"{arn}:{n}", "weight": w} for n, w in ((1, 50), (2, 30), (3, 20))]
    code, message = error_of(make, name="a", routingConfiguration=three)
    assert (code, message) == ("ValidationException", "1 validation error detected: Value '[RoutingConfigurationListItem("
                               f"stateMachineVersionArn={arn}:1, weight=50), RoutingConfigurationListItem("
                               f"stateMachineVersionArn={arn}:2, weight=30), RoutingConfigurationListItem("
                               f"stateMachineVersionArn={arn}:3, weight=20)]' at 'routingConfiguration' failed "
                               "to satisfy constraint: Member must have length less than or equal to 2")


def test_a_version_an_alias_routes_to_cannot_be_deleted(sfn, create):
    arn, (v1, v2) = _versions(sfn, create)
    sfn.create_state_machine_alias(name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
    assert error_of(sfn.delete_state_machine_version, stateMachineVersionArn=v1) == (
        "ConflictException", "Version to be deleted must not be referenced by an alias. Current list of "
                             "aliases referencing this version: [live]")
    sfn.delete_state_machine_alias(stateMachineAliasArn=arn + ":live")
    sfn.delete_state_machine_alias(stateMachineAliasArn=arn + ":live")          # gone already: 200
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    assert sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"] == []


def test_a_missing_alias_is_a_resource_not_found(sfn, create):
    arn = create()
    assert error_of(sfn.update_state_machine_alias, stateMachineAliasArn=arn + ":nope", description="d") == (
        "ResourceNotFound", "Request references a resource that does not exist.")
    assert error_of(sfn.describe_state_machine_alias, stateMachineAliasArn=arn + ":nope")[0] == "ResourceNotFound"


def test_aliases_are_listed_in_creation_order(sfn, create):
    arn, (v1, _) = _versions(sfn, create)
    for name in ("b-alias", "a-alias"):
        sfn.create_state_machine_alias(name=name, routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"].rsplit(":", 1)[1] for a in listed] == ["b-alias", "a-alias"]
