"""What CreateStateMachine refuses beyond each state's fields: ``aslsim.load`` raises and
``aslsim validate`` reports the same definitions (one set of rules, definition/acceptance.py)."""
import pytest

import aslsim
from aslsim.validate import validate_definition

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def task(**fields):
    return {"Type": "Task", "Resource": LAMBDA, **fields}


REFUSED = {
    "an unreachable state": ({"StartAt": "A", "States": {"A": {"Type": "Succeed"},
                                                         "Orphan": {"Type": "Succeed"}}},
                             "ASL202", 'State "Orphan" is not reachable'),
    "no terminal state": ({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                                      "B": {"Type": "Pass", "Next": "A"}}},
                          "ASL203", "has no terminal state"),
    "a branch with no terminal state": (
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "L", "States": {"L": {"Type": "Pass", "Next": "L"}}}]}}},
        "ASL203", "has no terminal state"),
    "Credentials: null": ({"StartAt": "T", "States": {"T": task(Credentials=None, End=True)}},
                          "ASL103", "Credentials must be an object"),
    "an unknown partition": ({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:partition:states:::lambda:invoke", "End": True}}},
        "ASL601", "is not a valid ARN"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_load_refuses_what_validate_reports(case):
    definition, code, words = REFUSED[case]
    with pytest.raises(aslsim.DefinitionError, match=words.replace("(", r"\(")):
        aslsim.load(definition)
    found = [(d.code, d.message) for d in validate_definition(definition) if d.severity == "error"]
    assert any(c == code and words in m for c, m in found), found


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov", "aws-iso-b"])
def test_every_partition_aws_has_is_accepted(partition):
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": f"arn:{partition}:lambda:us-east-1:123456789012:function:f",
        "End": True}}}
    aslsim.load(definition)
    assert [d for d in validate_definition(definition) if d.severity == "error"] == []


def test_a_state_reached_only_through_a_catcher_is_reachable():
    definition = {"StartAt": "T", "States": {
        "T": task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handle"}]),
        "Handle": {"Type": "Fail"}}}
    aslsim.load(definition)


@pytest.mark.parametrize("name, accepted", [
    ("total", True), ("_x", True), ("größe", True), ("a1", True), ("x" * 80, True),
    ("top-level", False), ("1st", False), ("a b", False), ("x" * 81, False), ("states", False)])
def test_variable_names_are_unicode_identifiers_of_at_most_80_characters(name, accepted):
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {name: 1},
                                                   "End": True}}}
    codes = [d.code for d in validate_definition(definition) if d.severity == "error"]
    if accepted:
        assert aslsim.load(definition).run().variables == {name: 1}
        assert codes == []
    else:
        with pytest.raises(aslsim.DefinitionError, match="variable|reserved"):
            aslsim.load(definition)
        assert codes == ["ASL406"]


def test_a_unicode_variable_is_read_by_a_path():
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"größe": 3}, "Next": "Q"},
        "Q": {"Type": "Pass", "Parameters": {"v.$": "$größe"}, "End": True}}}
    assert aslsim.load(definition).run().output == {"v": 3}


def test_a_parallels_own_catcher_may_assign_a_name_its_branches_assign():
    # developer guide, "Scope for variables": the catcher runs after the branches have ended
    branch = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA, "Assign": {"error": "none"}, "End": True}}}
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [branch], "End": True,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"error": "failed"},
                         "Next": "Failed"}]},
        "Failed": {"Type": "Fail"}}}
    aslsim.load(definition)
    assert [d.code for d in validate_definition(definition) if d.severity == "error"] == []
    # another state's assignment still belongs to the outer scope
    definition["States"]["P"]["Assign"] = {"error": "set"}
    with pytest.raises(aslsim.DefinitionError, match="assigned in an outer scope"):
        aslsim.load(definition)
    assert "ASL405" in [d.code for d in validate_definition(definition)]


@pytest.mark.parametrize("text", ["{% $states.input", "{%", "{% 1 %"])
def test_a_string_that_opens_a_jsonata_expression_must_close_it(text):
    definition = {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": {"a": text}, "End": True}}}
    with pytest.raises(aslsim.DefinitionError, match="does not end with %}") as caught:
        aslsim.load(definition)
    assert caught.value.field == "Output.a"
    [diagnostic] = validate_definition(definition)
    assert (diagnostic.code, diagnostic.pointer) == ("ASL401", "/States/P/Output/a")


def test_text_that_merely_mentions_percent_braces_is_a_literal():
    definition = {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": {"a": "100 %} done", "b": "x {% y"}, "End": True}}}
    assert aslsim.load(definition).run().output == {"a": "100 %} done", "b": "x {% y"}


def _jsonpath_only_fields():
    from aslsim.definition.parse import STATE_FIELDS
    for (language, kind), fields in STATE_FIELDS.items():
        if language == "JSONPath":
            for key in sorted(fields - STATE_FIELDS[("JSONata", kind)]):
                yield kind, key


@pytest.mark.parametrize("kind, key", list(_jsonpath_only_fields()))
def test_the_hint_for_a_jsonpath_field_in_a_jsonata_state_names_a_field_that_state_takes(kind, key):
    from aslsim.definition.acceptance import other_language_hint
    from aslsim.definition.parse import STATE_FIELDS
    hint = other_language_hint("JSONata", kind, key)
    assert hint.startswith("in a JSONata state, ")
    written = hint.split("write ", 1)[1].split(" ", 1)[0].rstrip(":,") if "write " in hint else None
    if written is not None:
        assert written in STATE_FIELDS[("JSONata", kind)], (kind, key, hint)
    else:
        assert "$states.input" in hint
