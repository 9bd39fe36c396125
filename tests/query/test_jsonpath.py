"""Paths, reference paths and payload templates as Step Functions reads them."""
import random
from types import SimpleNamespace

import pytest

from aslsim.errors import DefinitionError, StatesError
from aslsim.query.jsonpath import PathNotFound, compile_path, compile_reference_path
from aslsim.query.templates import compile_template
from helpers import resolve

ENV = SimpleNamespace(context={"Execution": {"Name": "run-1"}}, variables={"who": {"name": "Ada"}},
                      random=random.Random(0))
DATA = {"a": {"b": [10, 20, 30]}, "my-key": 1, "items": [{"id": 1, "ok": True}, {"id": 2, "ok": False}]}


@pytest.mark.parametrize("text, expected", [
    ("$", DATA),
    ("$.a.b[1]", 20),
    ("$['a']['b'][2]", 30),
    ("$.my-key", 1),
    ("$$.Execution.Name", "run-1"),
    ("$who.name", "Ada"),
])
def test_a_definite_path_yields_one_value(text, expected):
    assert compile_path(text).evaluate(DATA, ENV) == expected


@pytest.mark.parametrize("text, expected", [
    ("$.items[*].id", [1, 2]),
    ("$.items[?(@.ok == true)].id", [1]),
    ("$.a.b[1:]", [20, 30]),
    ("$..id", [1, 2]),
    ("$.items[?(@.id > 5)]", []),
])
def test_an_indefinite_path_yields_the_list_of_matches(text, expected):
    assert compile_path(text).evaluate(DATA, ENV) == expected


def test_a_missing_last_property_is_reported_with_jayways_no_results_wording():
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.a.missing").evaluate(DATA, ENV)
    assert caught.value.detail == "No results for path: $['a']['missing']"


def test_a_missing_intermediate_property_is_reported_as_missing_property():
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.no.such.path").evaluate({}, ENV)
    assert caught.value.detail == "Missing property in path $['no']"


def test_a_path_must_start_with_a_dollar():
    with pytest.raises(DefinitionError):
        compile_path("a.b")


def test_result_path_creates_missing_objects_and_leaves_the_input_untouched():
    data = {"keep": 1}
    out = compile_reference_path("$.x.y").apply(data, 42)
    assert out == {"keep": 1, "x": {"y": 42}}
    assert data == {"keep": 1}


def test_result_path_into_a_non_object_fails_with_result_path_match_failure():
    with pytest.raises(StatesError) as caught:
        compile_reference_path("$.keep.y").apply({"keep": 1}, 42)
    assert caught.value.error == "States.ResultPathMatchFailure"


def test_a_reference_path_allows_only_names_and_indexes():
    with pytest.raises(DefinitionError):
        compile_reference_path("$.items[*]")


def test_a_template_renames_dollar_keys_and_keeps_literals_recursively():
    template = compile_template({"first.$": "$.a.b[0]", "ctx.$": "$$.Execution.Name",
                                 "nested": [{"who.$": "$who.name"}, "$.literal"]}, "Parameters")
    assert resolve(template, DATA, ENV) == {"first": 10, "ctx": "run-1",
                                          "nested": [{"who": "Ada"}, "$.literal"]}


def test_a_template_without_dollar_keys_is_a_constant():
    assert compile_template({"a": [1, {"b": 2}]}, "Parameters").constant


def test_a_template_path_that_matches_nothing_fails_as_aws_words_it():
    template = compile_template({"value.$": "$.nope"}, "Parameters")
    with pytest.raises(StatesError) as caught:
        resolve(template, {"x": 1}, ENV)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == ("The JSONPath '$.nope' specified for the field 'value.$' could not be "
                                  "found in the input '{\"x\":1}'")


def test_keys_that_collide_once_dollar_is_removed_are_refused():
    with pytest.raises(DefinitionError):
        compile_template({"a": 1, "a.$": "$.x"}, "Parameters")


def test_a_dollar_key_needs_a_path_or_an_intrinsic():
    with pytest.raises(DefinitionError) as caught:
        compile_template({"a.$": "not a path"}, "Parameters")
    assert "a.$" in str(caught.value)


# Jayway's grammar, as AWS reads paths (each form seen in a deployed AWS sample)
SNAPSHOTS = {"Snapshots": [{"State": "available", "Id": "s-1"}],
             "rows": [{"bucket": "b1", "key": "k1", "size": 3, "OU": 2, "Name": "Receipt"},
                      {"bucket": "b2", "key": "k2", "size": 4, "OU": 0, "Name": "Invoice"}]}


@pytest.mark.parametrize("text, expected", [
    ("$.rows.[0].bucket", "b1"),
    ("$.['Snapshots'].[0].State", "available"),
    ("$.Snapshots.[0].State", "available"),
])
def test_a_bracket_right_after_a_dot_is_the_bracket_itself(text, expected):
    assert compile_path(text).evaluate(SNAPSHOTS, ENV) == expected


def test_a_bracket_after_a_dot_at_the_root_indexes_the_input():
    assert compile_path("$.[0]").evaluate(["first", "second"], ENV) == "first"


def test_a_filter_after_a_dot_filters():
    assert compile_path("$.rows.[?(@.OU > 0)].key").evaluate(SNAPSHOTS, ENV) == ["k1"]


def test_two_dots_before_a_bracket_stay_a_deep_scan():
    assert compile_path("$..[0]").evaluate({"a": [1, 2], "b": {"c": [3]}}, ENV) == [1, 3]


def test_several_quoted_names_give_each_match_cut_down_to_those_keys():
    assert compile_path("$.rows.[*].['bucket', 'key']").evaluate(SNAPSHOTS, ENV) == [
        {"bucket": "b1", "key": "k1"}, {"bucket": "b2", "key": "k2"}]
    assert compile_path("$.rows[1]['bucket','size']").evaluate(SNAPSHOTS, ENV) == {
        "bucket": "b2", "size": 4}


def test_an_unquoted_word_in_a_filter_compares_as_a_string():
    assert compile_path("$.rows[?(@.Name==Receipt)].bucket").evaluate(SNAPSHOTS, ENV) == ["b1"]
    assert compile_path("$.rows[?(@.Name != Receipt && @.size > 1)].bucket").evaluate(
        SNAPSHOTS, ENV) == ["b2"]


def test_true_false_and_null_in_a_filter_stay_literals():
    data = {"items": [{"ok": True}, {"ok": False}]}
    assert compile_path("$.items[?(@.ok == true)]").evaluate(data, ENV) == [{"ok": True}]


def test_a_bracket_after_a_dot_works_inside_an_intrinsic_and_a_reference_path():
    from aslsim.query.intrinsics import compile_intrinsic
    call = compile_intrinsic("States.StringToJson($.[0].body)", field="s3Event.$")
    assert resolve(call, [{"body": "{\"a\": 1}"}], ENV) == {"a": 1}
    assert compile_reference_path("$.out.[0]").apply({"out": [1, 2]}, 9) == {"out": [9, 2]}


def test_a_jayway_path_function_loads_and_fails_the_state_when_it_runs():
    # re:Post: "$.Jobs.sum()" is accepted by CreateStateMachine; the execution fails with
    # "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input"
    import aslsim
    machine = aslsim.load({"StartAt": "Sum", "States": {"Sum": {
        "Type": "Pass", "Parameters": {"Jobs.$": "$.Jobs.sum()"}, "End": True}}})
    execution = machine.run({"Jobs": [0, 1]})
    assert execution.error == "States.Runtime"
    assert "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the " \
           "input '{\"Jobs\":[0,1]}'" in execution.cause
    assert compile_path("$.items.length()").definite


def test_an_object_of_paths_resolves_nested_objects_intrinsics_and_every_kind_of_path():
    template = compile_template({"k": 1, "first.$": "$.a.b[0]", "ctx.$": "$$.Execution.Name",
                                 "inner": {"who.$": "$who.name", "all.$": "$.a.b[*]"},
                                 "joined.$": "States.Format('{}-{}', $.a.b[0], $who.name)",
                                 "whole.$": "$"}, "Parameters")
    data = {"a": {"b": [10, 20]}}
    assert resolve(template, data, ENV) == {"k": 1, "first": 10, "ctx": "run-1",
                                            "inner": {"who": "Ada", "all": [10, 20]},
                                            "joined": "10-Ada", "whole": data}


@pytest.mark.parametrize("document, field, path", [
    ({"a": 1, "c": [0, 1]}, "second.$", "$.b"),
    ({"c": [0, 1]}, "first.$", "$.a"),            # the first value missing is the one reported
    ({"a": 1, "b": 2, "c": [0]}, "deep.$", "$.c[1]"),
    ({"a": 1, "b": 2, "c": {"1": 0}}, "deep.$", "$.c[1]"),   # an object has no positions
])
def test_an_object_of_paths_reports_the_first_path_that_matches_nothing(document, field, path):
    template = compile_template({"first.$": "$.a", "n": {"second.$": "$.b"}, "deep.$": "$.c[1]"},
                                "Parameters")
    with pytest.raises(StatesError) as caught:
        resolve(template, document, ENV)
    assert caught.value.cause.startswith(f"The JSONPath '{path}' specified for the field '{field}' "
                                         "could not be found")


def test_an_object_reading_a_missing_variable_fails_naming_it():
    template = compile_template({"x.$": "$nobody.name"}, "Parameters")
    with pytest.raises(StatesError) as caught:
        resolve(template, {}, ENV)
    assert "The variable 'nobody' is not defined" in caught.value.cause


@pytest.mark.parametrize("value", ["text", 3, 2.5, 1e-5, True, None, [1, "a"], {"k": [1.0]}])
def test_states_format_in_an_object_formats_as_the_intrinsic_does(value):
    template = compile_template({"f.$": "States.Format('<{}|{}>', $.v, $.w)"}, "Parameters")
    intrinsic = template.root.children[0][1]
    data = {"v": value, "w": "x"}
    expected = resolve(SimpleNamespace(resolve=intrinsic.resolve_each), data, ENV)
    assert resolve(template, data, ENV) == {"f": expected}


def test_states_format_in_an_object_reports_a_missing_path():
    template = compile_template({"f.$": "States.Format('{}', $.nope)"}, "Parameters")
    with pytest.raises(StatesError) as caught:
        resolve(template, {"v": 1}, ENV)
    assert caught.value.cause.startswith("The JSONPath '$.nope' specified for the field 'f.$' could not be found")
