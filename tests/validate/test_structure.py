"""Structure checks: fields per state type and query language, types, ranges, exclusive fields,
End/Next and state names (ASL101-106, ASL204, ASL402, ASL407)."""
from aslsim.validate import validate_definition
from helpers import definition as make_definition


def found(definition):
    return [(d.code, d.pointer, d.message) for d in validate_definition(definition)]


def test_a_field_of_another_state_type_and_an_unknown_field_are_not_allowed():
    definition = make_definition({"A": {"Type": "Pass", "End": True, "Resource": "x", "Reslt": 1}})
    assert found(definition) == [
        ("ASL102", "/States/A/Resource", "field 'Resource' is not allowed in a Pass state"),
        ("ASL102", "/States/A/Reslt", "unknown field 'Reslt' in a Pass state")]
    hints = [d.hint for d in validate_definition(definition)]
    assert hints == [None, "did you mean 'Result'?"]


def test_jsonpath_fields_in_a_jsonata_state_name_the_query_language():
    definition = make_definition({"A": {"Type": "Pass", "End": True, "InputPath": "$.x"}},
                         QueryLanguage="JSONata")
    [diagnostic] = validate_definition(definition)
    assert (diagnostic.code, diagnostic.pointer, diagnostic.message) == (
        "ASL402", "/States/A/InputPath", "'InputPath' is a JSONPath field; this state uses JSONata")
    assert "Output" in diagnostic.hint


def test_a_jsonpath_state_inside_a_jsonata_machine_is_refused():
    definition = make_definition({"A": {"Type": "Pass", "End": True, "QueryLanguage": "JSONPath"}},
                         QueryLanguage="JSONata")
    assert [c for c, _, _ in found(definition)] == ["ASL407"]


def test_a_jsonata_state_inside_a_jsonpath_machine_is_fine():
    definition = make_definition({"A": {"Type": "Pass", "End": True, "QueryLanguage": "JSONata",
                                "Output": "{% $states.input %}"}})
    assert found(definition) == []


def test_unknown_type_suggests_the_closest_one():
    [diagnostic] = validate_definition(make_definition({"A": {"Type": "Tusk", "End": True}}))
    assert (diagnostic.code, diagnostic.pointer, diagnostic.message, diagnostic.hint) == (
        "ASL104", "/States/A/Type", 'unknown state Type "Tusk"', "did you mean 'Task'?")


def test_missing_top_level_fields():
    assert found({"States": {"A": {"Type": "Succeed"}}}) == [
        ("ASL101", "", "the state machine needs StartAt, the name of its first state")]
    assert found({"StartAt": "A"}) == [("ASL101", "", "the state machine needs a States object")]


def test_timeout_pairs_and_heartbeat_below_timeout():
    definition = make_definition({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "End": True, "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t",
                                "HeartbeatSeconds": 10}})
    assert found(definition) == [
        ("ASL105", "/States/A/TimeoutSecondsPath", "TimeoutSeconds and TimeoutSecondsPath cannot be "
         "used together; give at most one of TimeoutSeconds, TimeoutSecondsPath"),
        ("ASL103", "/States/A/HeartbeatSeconds",
         "HeartbeatSeconds (10) must be smaller than TimeoutSeconds (5)")]


def test_a_wait_needs_exactly_one_duration():
    assert [c for c, _, _ in found(make_definition({"A": {"Type": "Wait", "End": True}}))] == ["ASL105"]
    both = make_definition({"A": {"Type": "Wait", "End": True, "Seconds": 5,
                          "Timestamp": "2020-01-01T00:00:00Z"}})
    assert [(c, p) for c, p, _ in found(both)] == [("ASL105", "/States/A/Timestamp")]


def test_wait_seconds_must_be_a_non_negative_integer():
    definition = make_definition({"A": {"Type": "Wait", "End": True, "Seconds": -1}})
    assert found(definition) == [("ASL103", "/States/A/Seconds",
                                  "Seconds must be an integer from 0 to 99999999, not -1")]


def test_jsonata_expressions_are_accepted_where_numbers_are_expected():
    definition = make_definition({"A": {"Type": "Wait", "End": True, "Seconds": "{% $states.input.s %}"}},
                         QueryLanguage="JSONata")
    assert found(definition) == []


def test_end_and_next_misuse():
    definition = make_definition({"A": {"Type": "Pass", "Next": "B", "End": True},
                          "B": {"Type": "Pass"}, "C": {"Type": "Succeed", "Next": "B"}})
    codes = [(c, p) for c, p, _ in found(definition) if c == "ASL204"]
    assert codes == [("ASL204", "/States/A/End"), ("ASL204", "/States/B"),
                     ("ASL204", "/States/C/Next")]


def test_state_names_longer_than_80_characters():
    name = "S" * 81
    [diagnostic] = validate_definition(make_definition({name: {"Type": "Succeed"}}))
    assert (diagnostic.code, diagnostic.state, diagnostic.message) == (
        "ASL106", name, "state names must be 1 to 80 characters long; this one has 81")


def test_map_fields_exclusive_and_in_range():
    definition = make_definition({"M": {"Type": "Map", "End": True, "ItemsPath": "$.items",
                                "ItemSelector": {}, "Parameters": {},
                                "ToleratedFailurePercentage": 101,
                                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}})
    assert found(definition) == [
        ("ASL105", "/States/M/Parameters", "ItemSelector and Parameters cannot be used together; "
         "give at most one of ItemSelector, Parameters"),
        ("ASL103", "/States/M/ToleratedFailurePercentage",
         "ToleratedFailurePercentage must be a number from 0 to 100, not 101")]


def test_distributed_only_fields_on_an_inline_map():
    definition = make_definition({"M": {"Type": "Map", "End": True, "Label": "x",
                                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}})
    assert found(definition) == [("ASL102", "/States/M/Label",
                                  "Label is only allowed on a Distributed Map")]


def test_many_problems_are_reported_at_once():
    definition = make_definition({"A": {"Type": "Pass", "Next": "B", "Bad": 1},
                          "B": {"Type": "Wait", "Next": "C"}, "C": {"Type": "Nope"}})
    # sorted by position: the States object (no terminal state) comes before the states in it
    assert [c for c, _, _ in found(definition)] == ["ASL203", "ASL102", "ASL105", "ASL104"]


def test_malformed_shapes_are_diagnosed_not_crashed_on():
    definition = make_definition({
        "C": {"Type": "Choice", "Choices": 5, "Default": 7},
        "T": {"Type": "Task", "Resource": 3, "End": True, "Catch": {}, "Retry": ["x"], "Assign": None},
        "P": {"Type": "Parallel", "End": True, "Branches": {"StartAt": "x"}},
        "M": {"Type": "Map", "End": True, "ItemProcessor": [], "Parameters": "$"},
        "S": "not a state"})
    assert [(c, p) for c, p, _ in found(definition) if c in ("ASL103", "ASL406")] == [
        ("ASL103", "/States/C/Choices"), ("ASL103", "/States/C/Default"),
        ("ASL103", "/States/T/Resource"), ("ASL103", "/States/T/Catch"),
        ("ASL103", "/States/T/Retry/0"), ("ASL103", "/States/T/Assign"),
        ("ASL103", "/States/P/Branches"), ("ASL103", "/States/M/ItemProcessor"),
        ("ASL103", "/States/S")]
