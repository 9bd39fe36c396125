"""Tags and activities (test_sfn_api_tagging and test_sfn_api_activities snapshots)."""
from conftest import error_of


def test_tags_are_added_replaced_listed_and_removed(sfn, create):
    arn = sfn.create_state_machine(name="t", definition='{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
                                   roleArn="arn:aws:iam::1:role/r", tags=[{"key": "team", "value": "a"}])["stateMachineArn"]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "b"}, {"key": "cost", "value": ""}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "b"},
                                                                   {"key": "cost", "value": ""}]
    sfn.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "cost", "value": ""}]


def test_a_version_is_no_taggable_resource(sfn, create):
    arn = create()
    version = sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]
    assert error_of(sfn.tag_resource, resourceArn=version, tags=[{"key": "k", "value": "v"}]) == (
        "ResourceNotFound", f"Resource not found: '{version}'")


def test_more_than_fifty_tags_are_too_many(sfn, create):
    arn = create()
    assert error_of(sfn.tag_resource, resourceArn=arn,
                    tags=[{"key": f"k{i}", "value": ""} for i in range(51)])[0] == "TooManyTags"


def test_activities_are_created_once_described_listed_and_deleted(sfn):
    first = sfn.create_activity(name="worker")
    again = sfn.create_activity(name="worker")
    assert first["activityArn"] == again["activityArn"] == "arn:aws:states:us-east-1:123456789012:activity:worker"
    assert first["creationDate"] == again["creationDate"]
    described = sfn.describe_activity(activityArn=first["activityArn"])
    assert (described["name"], described["creationDate"]) == ("worker", first["creationDate"])
    assert [a["name"] for a in sfn.list_activities()["activities"]] == ["worker"]
    sfn.delete_activity(activityArn=first["activityArn"])
    sfn.delete_activity(activityArn=first["activityArn"])          # twice: 200 (recorded)
    assert error_of(sfn.describe_activity, activityArn=first["activityArn"]) == (
        "ActivityDoesNotExist", f"Activity Does Not Exist: '{first['activityArn']}'")


def test_an_activity_name_with_forbidden_characters_is_invalid(sfn):
    assert error_of(sfn.create_activity, name="TestActivity InvalidName$") == (
        "InvalidName", "Invalid Name: 'TestActivity InvalidName$'")
