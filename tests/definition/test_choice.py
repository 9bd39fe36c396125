"""JSONPath-mode Choice rules: load-time checks and AWS's run-time semantics."""
import random
import types

import pytest

from aslsim.definition.choice import compile_condition
from aslsim.errors import DefinitionError, StatesError


def env(variables=None, context=None):
    return types.SimpleNamespace(context=context or {}, variables=variables or {},
                                 random=random.Random(0))


def matches(rule, data, environment=None):
    rule = {**rule, "Next": "Target"}
    return compile_condition(rule, where="Choices[0]").matches(data, environment or env())


def runtime_cause(rule, data, environment=None):
    with pytest.raises(StatesError) as caught:
        matches(rule, data, environment)
    assert caught.value.error == "States.Runtime"
    assert caught.value.prefix_state is True
    return caught.value.cause


def definition_error(rule, *, top=True):
    if top:
        rule = {**rule, "Next": "Target"}
    with pytest.raises(DefinitionError) as caught:
        compile_condition(rule, where="Choices[0]")
    return caught.value


# --- strings ------------------------------------------------------------------------------------

def test_string_equals_matches_equal_string():
    assert matches({"Variable": "$.v", "StringEquals": "Hello"}, {"v": "Hello"}) is True


def test_string_equals_is_exact_about_whitespace():
    assert matches({"Variable": "$.v", "StringEquals": "\t\r\n"}, {"v": "\t\n"}) is False


def test_string_equals_does_not_match_a_number():
    assert matches({"Variable": "$.v", "StringEquals": "1"}, {"v": 1}) is False


def test_string_less_than_orders_a_prefix_first():
    assert matches({"Variable": "$.v", "StringLessThan": "AB"}, {"v": "A"}) is True


def test_string_greater_than_equals_on_equal_strings():
    assert matches({"Variable": "$.v", "StringGreaterThanEquals": ""}, {"v": ""}) is True


def test_string_comparison_is_case_sensitive_by_code_unit():
    # 'Z' (0x5A) sorts before 'a' (0x61): no case folding
    assert matches({"Variable": "$.v", "StringLessThan": "a"}, {"v": "Z"}) is True


def test_string_comparison_follows_java_utf16_order_above_the_bmp():
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16, which sorts before U+FF21 (Java compareTo)
    assert matches({"Variable": "$.v", "StringLessThan": "\uff21x"}, {"v": "\U0001F600"}) is True


def test_string_ordering_against_a_non_string_is_false():
    assert matches({"Variable": "$.v", "StringGreaterThan": ""}, {"v": 5}) is False


def test_string_equals_path_compares_two_fields():
    rule = {"Variable": "$.v", "StringEqualsPath": "$.w"}
    assert matches(rule, {"v": "Hello", "w": "Hello"}) is True


def test_string_less_than_path_with_a_numeric_operand_is_false():
    assert matches({"Variable": "$.v", "StringLessThanPath": "$.w"}, {"v": "A", "w": 3}) is False


# --- StringMatches ------------------------------------------------------------------------------

def test_string_matches_star_matches_any_run():
    assert matches({"Variable": "$.v", "StringMatches": "log-*.txt"}, {"v": "log-2024-01.txt"}) is True


def test_string_matches_star_matches_nothing():
    assert matches({"Variable": "$.v", "StringMatches": "log-*.txt"}, {"v": "log-.txt"}) is True


def test_string_matches_is_anchored_at_both_ends():
    assert matches({"Variable": "$.v", "StringMatches": "log-*.txt"}, {"v": "xlog-1.txt"}) is False


def test_string_matches_star_spans_newlines():
    assert matches({"Variable": "$.v", "StringMatches": "a*b"}, {"v": "a\n\nb"}) is True


def test_string_matches_has_no_other_wildcards():
    assert matches({"Variable": "$.v", "StringMatches": "a?c.[d]"}, {"v": "abc.d"}) is False


def test_string_matches_regex_characters_are_literal():
    assert matches({"Variable": "$.v", "StringMatches": "a?c.[d]"}, {"v": "a?c.[d]"}) is True


def test_string_matches_escaped_star_is_a_literal_star():
    assert matches({"Variable": "$.v", "StringMatches": "a\\*b"}, {"v": "a*b"}) is True


def test_string_matches_escaped_star_is_not_a_wildcard():
    assert matches({"Variable": "$.v", "StringMatches": "a\\*b"}, {"v": "axxb"}) is False


def test_string_matches_escaped_backslash_is_a_literal_backslash():
    assert matches({"Variable": "$.v", "StringMatches": "C:\\\\*"}, {"v": "C:\\temp"}) is True


def test_string_matches_open_escape_fails_the_execution():
    cause = runtime_cause({"Variable": "$.v", "StringMatches": "abc\\"}, {"v": "abc"})
    assert cause == "The StringMatches pattern 'abc\\' ends with an open escape character '\\'."


def test_string_matches_a_number_is_false():
    assert matches({"Variable": "$.v", "StringMatches": "*"}, {"v": 1}) is False


# --- numbers ------------------------------------------------------------------------------------

def test_numeric_equals_int_and_float_are_equal():
    assert matches({"Variable": "$.v", "NumericEquals": 1.0}, {"v": 1}) is True


def test_numeric_equals_float():
    assert matches({"Variable": "$.v", "NumericEquals": 2.22}, {"v": 2.22}) is True


def test_numeric_equals_does_not_coerce_a_numeric_string():
    assert matches({"Variable": "$.v", "NumericEquals": 1}, {"v": "1"}) is False


def test_numeric_equals_true_is_not_one():
    assert matches({"Variable": "$.v", "NumericEquals": 1}, {"v": True}) is False


def test_numeric_equals_false_is_not_zero():
    assert matches({"Variable": "$.v", "NumericEquals": 0}, {"v": False}) is False


def test_numeric_equals_null_is_false():
    assert matches({"Variable": "$.v", "NumericEquals": 0}, {"v": None}) is False


def test_numeric_greater_than_is_strict():
    assert matches({"Variable": "$.v", "NumericGreaterThan": 1}, {"v": 1}) is False


def test_numeric_less_than_equals_int_against_float():
    assert matches({"Variable": "$.v", "NumericLessThanEquals": 0}, {"v": 0.0}) is True


def test_numeric_greater_than_equals_path():
    assert matches({"Variable": "$.v", "NumericGreaterThanEqualsPath": "$.w"}, {"v": 0, "w": 0}) is True


def test_numeric_equals_path_with_a_string_operand_is_false():
    assert matches({"Variable": "$.v", "NumericEqualsPath": "$.w"}, {"v": 1, "w": "1"}) is False


# --- booleans -----------------------------------------------------------------------------------

def test_boolean_equals_true():
    assert matches({"Variable": "$.v", "BooleanEquals": True}, {"v": True}) is True


def test_boolean_equals_false_does_not_match_zero():
    assert matches({"Variable": "$.v", "BooleanEquals": False}, {"v": 0}) is False


def test_boolean_equals_true_does_not_match_the_string_true():
    assert matches({"Variable": "$.v", "BooleanEquals": True}, {"v": "true"}) is False


def test_boolean_equals_path():
    assert matches({"Variable": "$.v", "BooleanEqualsPath": "$.w"}, {"v": False, "w": False}) is True


def test_boolean_equals_path_with_a_numeric_operand_is_false():
    assert matches({"Variable": "$.v", "BooleanEqualsPath": "$.w"}, {"v": True, "w": 1}) is False


# --- timestamps ---------------------------------------------------------------------------------

def test_timestamp_equals_same_instant():
    rule = {"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2012-10-09T19:00:55Z"}) is True


def test_timestamp_equals_compares_instants_across_offsets():
    rule = {"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2012-10-09T21:00:55+02:00"}) is True


def test_timestamp_equals_ignores_trailing_zero_fraction():
    rule = {"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2012-10-09T19:00:55.000Z"}) is True


def test_timestamp_less_than_uses_fractional_seconds():
    rule = {"Variable": "$.v", "TimestampLessThan": "2012-10-09T19:00:55.5Z"}
    assert matches(rule, {"v": "2012-10-09T19:00:55.25Z"}) is True


def test_timestamp_greater_than_with_a_negative_offset():
    # 18:00-02:00 is 20:00Z
    rule = {"Variable": "$.v", "TimestampGreaterThan": "2012-10-09T19:00:00Z"}
    assert matches(rule, {"v": "2012-10-09T18:00:00-02:00"}) is True


def test_timestamp_comparison_with_a_non_timestamp_string_is_false():
    rule = {"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2023-02-24 12:15:56.832957"}) is False


def test_timestamp_comparison_without_offset_is_false():
    rule = {"Variable": "$.v", "TimestampLessThanEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2012-10-09T19:00:55"}) is False


def test_timestamp_comparison_with_a_number_is_false():
    rule = {"Variable": "$.v", "TimestampGreaterThanEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": 1349809255}) is False


def test_timestamp_greater_than_path():
    rule = {"Variable": "$.v", "TimestampGreaterThanPath": "$.w"}
    assert matches(rule, {"v": "2012-10-09T19:00:56Z", "w": "2012-10-09T19:00:55Z"}) is True


def test_timestamp_equals_path_with_an_invalid_operand_is_false():
    rule = {"Variable": "$.v", "TimestampEqualsPath": "$.w"}
    assert matches(rule, {"v": "2012-10-09T19:00:55Z", "w": "yesterday"}) is False


def test_string_equals_can_match_a_timestamp_string():
    rule = {"Variable": "$.v", "StringEquals": "2012-10-09T19:00:55Z"}
    assert matches(rule, {"v": "2012-10-09T19:00:55Z"}) is True


# --- type tests ---------------------------------------------------------------------------------

def test_is_null_true_on_null():
    assert matches({"Variable": "$.v", "IsNull": True}, {"v": None}) is True


def test_is_null_false_on_empty_object():
    assert matches({"Variable": "$.v", "IsNull": True}, {"v": {}}) is False


def test_is_null_false_matches_a_value():
    assert matches({"Variable": "$.v", "IsNull": False}, {"v": 0}) is True


def test_is_present_true_on_null_value():
    assert matches({"Variable": "$.v", "IsPresent": True}, {"v": None}) is True


def test_is_present_false_on_a_missing_field():
    assert matches({"Variable": "$.v", "IsPresent": False}, {"w": 1}) is True


def test_is_present_true_on_a_missing_field_is_false_not_an_error():
    assert matches({"Variable": "$.v.deeper", "IsPresent": True}, {"v": 1}) is False


def test_is_present_on_an_undefined_workflow_variable_is_false():
    assert matches({"Variable": "$unset", "IsPresent": True}, {}) is False


def test_is_numeric_on_float():
    assert matches({"Variable": "$.v", "IsNumeric": True}, {"v": 1.1}) is True


def test_is_numeric_false_on_a_boolean():
    assert matches({"Variable": "$.v", "IsNumeric": True}, {"v": True}) is False


def test_is_numeric_false_on_a_numeric_string():
    assert matches({"Variable": "$.v", "IsNumeric": True}, {"v": "1"}) is False


def test_is_string_on_empty_string():
    assert matches({"Variable": "$.v", "IsString": True}, {"v": ""}) is True


def test_is_string_false_matches_null():
    assert matches({"Variable": "$.v", "IsString": False}, {"v": None}) is True


def test_is_boolean_on_false():
    assert matches({"Variable": "$.v", "IsBoolean": True}, {"v": False}) is True


def test_is_boolean_false_on_zero():
    assert matches({"Variable": "$.v", "IsBoolean": True}, {"v": 0}) is False


def test_is_timestamp_on_utc_timestamp():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": "2016-03-14T01:59:00Z"}) is True


def test_is_timestamp_on_offset_and_fraction():
    assert matches({"Variable": "$.v", "IsTimestamp": True},
                   {"v": "2016-03-14T01:59:00.123456+05:30"}) is True


def test_is_timestamp_false_without_zone():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": "2016-03-14T01:59:00"}) is False


def test_is_timestamp_false_on_a_date():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": "2023-02-24"}) is False


def test_is_timestamp_false_with_a_space_separator():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": "2016-03-14 01:59:00Z"}) is False


def test_is_timestamp_false_on_an_impossible_date():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": "2016-02-30T01:59:00Z"}) is False


def test_is_timestamp_false_on_a_number():
    assert matches({"Variable": "$.v", "IsTimestamp": True}, {"v": 1458000000}) is False


# --- missing paths ------------------------------------------------------------------------------

def test_missing_variable_fails_with_states_runtime():
    cause = runtime_cause({"Variable": "$.type", "StringEquals": "Private"}, {"value": 22})
    assert cause == ("Invalid path '$.type': The choice state's condition path references an "
                     "invalid value.")


def test_missing_variable_fails_even_for_is_null():
    cause = runtime_cause({"Variable": "$.v", "IsNull": True}, {})
    assert cause == "Invalid path '$.v': The choice state's condition path references an invalid value."


def test_missing_nested_variable_under_a_scalar_fails():
    cause = runtime_cause({"Variable": "$.v.w", "NumericEquals": 1}, {"v": 1})
    assert cause == "Invalid path '$.v.w': The choice state's condition path references an invalid value."


def test_missing_path_operand_fails_with_states_runtime():
    cause = runtime_cause({"Variable": "$.v", "NumericEqualsPath": "$.w"}, {"v": 1})
    assert cause == "Invalid path '$.w': The choice state's condition path references an invalid value."


def test_undefined_workflow_variable_fails_with_states_runtime():
    cause = runtime_cause({"Variable": "$x", "NumericEquals": 1}, {})
    assert cause == "Invalid path '$x': The choice state's condition path references an invalid value."


# --- roots and paths ----------------------------------------------------------------------------

def test_variable_may_be_the_whole_input():
    assert matches({"Variable": "$", "NumericEquals": 3}, 3) is True


def test_variable_reads_an_array_index():
    assert matches({"Variable": "$.items[1].id", "StringEquals": "b"},
                   {"items": [{"id": "a"}, {"id": "b"}]}) is True


def test_variable_reads_the_context_object():
    environment = env(context={"Execution": {"Name": "run-1"}})
    assert matches({"Variable": "$$.Execution.Name", "StringEquals": "run-1"}, {}, environment) is True


def test_variable_reads_a_workflow_variable():
    environment = env(variables={"limit": {"max": 10}})
    assert matches({"Variable": "$limit.max", "NumericGreaterThan": 5}, {}, environment) is True


def test_path_operand_reads_a_workflow_variable():
    environment = env(variables={"threshold": 10})
    assert matches({"Variable": "$.v", "NumericLessThanPath": "$threshold"}, {"v": 3}, environment) is True


def test_path_operand_reads_the_context_object():
    environment = env(context={"Execution": {"Name": "run-1"}})
    rule = {"Variable": "$.v", "StringEqualsPath": "$$.Execution.Name"}
    assert matches(rule, {"v": "run-1"}, environment) is True


# --- And / Or / Not -----------------------------------------------------------------------------

def test_and_in_range():
    rule = {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.value", "NumericLessThan": 30}]}
    assert matches(rule, {"value": 22}) is True


def test_and_stops_at_the_first_false_operand():
    rule = {"And": [{"Variable": "$.key", "IsPresent": True},
                    {"Variable": "$.key", "StringEquals": "foo"}]}
    assert matches(rule, {}) is False


def test_and_with_three_operands():
    rule = {"And": [{"Variable": "$.a", "BooleanEquals": True},
                    {"Variable": "$.b", "BooleanEquals": True},
                    {"Variable": "$.c", "BooleanEquals": True}]}
    assert matches(rule, {"a": True, "b": True, "c": False}) is False


def test_or_stops_at_the_first_true_operand():
    rule = {"Or": [{"Variable": "$.a", "IsNull": True},
                   {"Variable": "$.missing", "IsNull": True}]}
    assert matches(rule, {"a": None}) is True


def test_or_with_three_operands_none_true():
    rule = {"Or": [{"Variable": "$.v", "NumericEquals": 1},
                   {"Variable": "$.v", "NumericEquals": 2},
                   {"Variable": "$.v", "NumericEquals": 3}]}
    assert matches(rule, {"v": 4}) is False


def test_not_inverts():
    rule = {"Not": {"Variable": "$.type", "StringEquals": "Private"}}
    assert matches(rule, {"type": "Public"}) is True


def test_not_does_not_hide_a_missing_variable():
    cause = runtime_cause({"Not": {"Variable": "$.type", "StringEquals": "Private"}}, {})
    assert cause == "Invalid path '$.type': The choice state's condition path references an invalid value."


def test_single_element_and_behaves_like_its_rule():
    rule = {"And": [{"Variable": "$.status", "StringEquals": "complete", "Comment": "done?"}]}
    assert matches(rule, {"status": "complete"}) is True


def test_nested_boolean_expressions():
    rule = {"And": [{"Variable": "$", "IsPresent": True},
                    {"And": [{"Variable": "$", "IsNumeric": True},
                             {"Variable": "$", "NumericEquals": 3}]}]}
    assert matches(rule, 3) is True


# --- top-level keys the caller handles ----------------------------------------------------------

def test_top_level_next_comment_assign_output_are_ignored():
    rule = {"Variable": "$.v", "IsNull": True, "Next": "A", "Comment": "c", "Assign": {"x": 1},
            "Output": {}}
    assert compile_condition(rule, where="Choices[0]").matches({"v": None}, env()) is True


# --- load-time validation -----------------------------------------------------------------------

def test_unknown_operator_is_refused():
    err = definition_error({"Variable": "$.v", "StringContains": "x"})
    assert err.field == "Choices[0].StringContains"
    assert "SCHEMA_VALIDATION_FAILED" in err.message


def test_two_operators_are_refused():
    err = definition_error({"Variable": "$.v", "StringEquals": "x", "IsNull": True})
    assert err.message == ("SCHEMA_VALIDATION_FAILED: Each Choice Rule can only have one comparison "
                           "operator: found StringEquals, IsNull")


def test_no_operator_is_refused():
    err = definition_error({"Variable": "$.v"})
    assert err.field == "Choices[0]"


def test_missing_variable_is_refused():
    err = definition_error({"StringEquals": "x"})
    assert err.message == "SCHEMA_VALIDATION_FAILED: These fields are required: [Variable]"


def test_variable_with_and_is_refused():
    err = definition_error({"Variable": "$.v", "And": [{"Variable": "$.v", "IsNull": True}]})
    assert err.field == "Choices[0].Variable"


def test_numeric_equals_with_a_string_is_refused():
    err = definition_error({"Variable": "$.v", "NumericEquals": "1"})
    assert (err.message, err.field) == ("SCHEMA_VALIDATION_FAILED: Expected value of type Number",
                                        "Choices[0].NumericEquals")


def test_numeric_less_than_with_a_boolean_is_refused():
    err = definition_error({"Variable": "$.v", "NumericLessThan": True})
    assert err.message == "SCHEMA_VALIDATION_FAILED: Expected value of type Number"


def test_string_equals_with_a_number_is_refused():
    err = definition_error({"Variable": "$.v", "StringEquals": 1})
    assert err.message == "SCHEMA_VALIDATION_FAILED: Expected value of type String"


def test_string_matches_with_a_number_is_refused():
    err = definition_error({"Variable": "$.v", "StringMatches": 1})
    assert err.field == "Choices[0].StringMatches"


def test_boolean_equals_with_a_string_is_refused():
    err = definition_error({"Variable": "$.v", "BooleanEquals": "true"})
    assert err.message == "SCHEMA_VALIDATION_FAILED: Expected value of type Boolean"


def test_timestamp_literal_must_be_rfc3339():
    err = definition_error({"Variable": "$.v", "TimestampEquals": "2016-12-05 21:29:29Z"})
    assert (err.message, err.field) == ("SCHEMA_VALIDATION_FAILED: String does not match RFC3339 "
                                        "timestamp", "Choices[0].TimestampEquals")


def test_timestamp_literal_must_be_a_real_date():
    err = definition_error({"Variable": "$.v", "TimestampLessThan": "2016-13-05T21:29:29Z"})
    assert err.field == "Choices[0].TimestampLessThan"


def test_is_operator_needs_a_boolean():
    err = definition_error({"Variable": "$.v", "IsPresent": "true"})
    assert (err.message, err.field) == ("SCHEMA_VALIDATION_FAILED: Expected value of type Boolean",
                                        "Choices[0].IsPresent")


def test_path_operand_must_be_a_path():
    err = definition_error({"Variable": "$.v", "StringEqualsPath": "v"})
    assert err.field == "Choices[0].StringEqualsPath"


def test_path_operand_must_be_a_string():
    err = definition_error({"Variable": "$.v", "NumericEqualsPath": 3})
    assert err.field == "Choices[0].NumericEqualsPath"


def test_variable_must_start_with_dollar():
    err = definition_error({"Variable": "Test", "StringMatches": "Test"})
    assert err.field == "Choices[0].Variable"
    assert err.message.startswith("SCHEMA_VALIDATION_FAILED: Value is not a Reference Path")


def test_variable_must_be_a_reference_path():
    err = definition_error({"Variable": "$.items[*].id", "StringEquals": "a"})
    assert err.message == ("SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: "
                           "'$.items[*].id' can select more than one node")


def test_empty_and_is_refused():
    err = definition_error({"And": []})
    assert err.field == "Choices[0].And"


def test_or_that_is_not_an_array_is_refused():
    err = definition_error({"Or": {"Variable": "$.v", "IsNull": True}})
    assert err.field == "Choices[0].Or"


def test_not_with_an_array_is_refused():
    err = definition_error({"Not": [{"Variable": "$.v", "IsNull": True}]})
    assert err.field == "Choices[0].Not"


def test_next_inside_a_nested_rule_is_refused():
    err = definition_error({"And": [{"Variable": "$.v", "IsNull": True},
                                    {"Variable": "$.v", "IsString": True, "Next": "X"}]})
    assert err.field == "Choices[0].And[1].Next"
    assert err.message == "SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported in a nested Choice rule"


def test_next_inside_not_is_refused():
    err = definition_error({"Not": {"Variable": "$.v", "IsNull": True, "Next": "X"}})
    assert err.field == "Choices[0].Not.Next"


def test_assign_inside_a_nested_rule_is_refused():
    err = definition_error({"Or": [{"Variable": "$.v", "IsNull": True, "Assign": {"x": 1}}]})
    assert err.field == "Choices[0].Or[0].Assign"


def test_error_in_a_deeply_nested_rule_names_its_location():
    err = definition_error({"Or": [{"Variable": "$.v", "IsNull": True},
                                   {"Not": {"Variable": "$.v", "NumericEquals": "x"}}]})
    assert err.field == "Choices[0].Or[1].Not.NumericEquals"


def test_nested_rule_that_is_not_an_object_is_refused():
    err = definition_error({"And": ["$.v"]})
    assert err.field == "Choices[0].And[0]"


def test_definition_error_text_names_the_field():
    err = definition_error({"Variable": "$.v", "NumericEquals": "1"})
    assert str(err) == ("field 'Choices[0].NumericEquals': SCHEMA_VALIDATION_FAILED: Expected value "
                        "of type Number")
