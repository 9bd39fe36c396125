"""What is not JSON as AWS reads it never enters a run: NaN, Infinity, 1e999, numbers too long
to read, lone surrogates, values JSON has no form for, nesting deeper than aslsim walks, and files
that are not UTF-8. Each is a clear refusal naming where it is (exit 2 from the CLI), never a
traceback, never NaN printed."""
import json
import math

import pytest

import aslsim
from aslsim import jsonvalues
from helpers_hardening import assert_clear_refusal, cli

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                         "Parameters": {"FunctionName": "f"}, "End": True}}}
LONG_NUMBER = "1" * 5000


def nested(depth: int):
    value = 1
    for _ in range(depth - 1):
        value = [value]
    return value


def pass_with_result(text: str) -> str:
    return '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": %s, "End": true}}}' % text


# -- definitions ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("NaN", "NaN is not JSON"), ("Infinity", "Infinity is not JSON"), ("-Infinity", "-Infinity is not JSON"),
    ("1e999", "field 'Result': Infinity is not JSON"), (LONG_NUMBER, "more than 4300 digits"),
], ids=["nan", "inf", "-inf", "1e999", "long"])
def test_a_definition_text_with_a_number_json_lacks_is_refused(text, message):
    with pytest.raises(aslsim.DefinitionError, match=message):
        aslsim.load(pass_with_result(text))


@pytest.mark.parametrize("value, message", [
    ({1, 2}, "a set is not a JSON value"), (float("nan"), "NaN is not JSON"),
    ("\ud800", "lone surrogate"), ({1: "a"}, "the object key 1 is not a string"),
    (10 ** 5000, "more than 4300 digits"),
], ids=["set", "nan", "surrogate", "int-key", "long-int"])
def test_a_definition_dict_holding_what_json_lacks_names_the_state_and_field(value, message):
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": value}, "End": True}}}
    with pytest.raises(aslsim.DefinitionError, match=message) as caught:
        aslsim.load(definition)
    assert (caught.value.state, caught.value.field) == ("P", "Result/a")


def test_a_nested_state_is_named_not_its_parallel():
    inner = {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "Parameters": {"x": math.inf}, "End": True}}}
    definition = {"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "Branches": [inner], "End": True}}}
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(definition)
    assert (caught.value.state, caught.value.field) == ("Q", "Parameters/x")


def test_a_definition_nested_deeper_than_aslsim_walks_is_refused_by_load_and_validate(write):
    path = write("deep.asl.json", pass_with_result(json.dumps(nested(jsonvalues.MAX_DEPTH + 5))))
    with pytest.raises(aslsim.DefinitionError, match="nests deeper than 256 levels"):
        aslsim.load(path)
    result = cli("validate", path)
    assert result.exit_code == 1 and "ASL103" in result.stdout and "nests deeper" in result.stdout


def test_validate_reports_nan_in_a_definition(write):
    result = cli("validate", write("nan.asl.json", pass_with_result("NaN")))
    assert result.exit_code == 1
    assert "error ASL103" in result.stdout and "NaN is not JSON" in result.stdout


@pytest.mark.parametrize("command", [("run",), ("graph",)])
def test_run_and_graph_refuse_nan_in_a_definition_with_exit_2(write, command):
    result = cli(*command, write("nan.asl.json", pass_with_result("NaN")))
    assert_clear_refusal(result, "nan.asl.json", "NaN is not JSON")


@pytest.mark.parametrize("source", [b"\xff\xfe{}", b'{"StartAt": "\x80"}', bytearray(b"\xc3")])
def test_load_of_bytes_that_are_not_utf8_is_a_definition_error(source):
    with pytest.raises(aslsim.DefinitionError, match="not UTF-8 text"):
        aslsim.load(source)


def test_a_definition_file_that_is_not_utf8_is_exit_2(write):
    result = cli("run", write("latin1.asl.json", "{\"Comment\": \"caf\xe9\"}".encode("latin-1")))
    assert_clear_refusal(result, "latin1.asl.json", "cannot read the file")


# -- execution inputs ----------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    (float("nan"), "NaN is not JSON"), ({"a": [math.inf]}, "Infinity is not JSON: AWS refuses NaN and Infinity (at /a/0)"),
    ({"s": "\udcff"}, "lone surrogate, which is not Unicode text (at /s)"), ({"k": {1, 2}}, "a set is not a JSON value (at /k)"),
    ({"n": 10 ** 5000}, "more than 4300 digits"), (nested(300), "nests deeper than 256 levels"),
], ids=["nan", "inf", "surrogate", "set", "long-int", "deep"])
def test_run_refuses_an_input_that_is_not_json(value, message):
    with pytest.raises(aslsim.InputError, match="the execution input is not JSON") as caught:
        aslsim.load(PASS).run(value)
    assert message in str(caught.value)


def test_an_input_at_the_depth_limit_runs():
    value = nested(jsonvalues.MAX_DEPTH)
    assert aslsim.load(PASS).run(value).output == value


@pytest.mark.parametrize("text, message", [
    ('{"a": NaN}', "NaN is not JSON"), ('[Infinity]', "Infinity is not JSON"),
    ('{"a": 1e999}', "out of the range of a double"), (LONG_NUMBER, "more than 4300 digits"),
    ('"\\ud800"', "lone surrogate"), ("[" * 5000 + "]" * 5000, "nests deeper than 256 levels"),
], ids=["nan", "inf", "1e999", "long", "surrogate", "deep"])
def test_cli_input_that_is_not_json_is_exit_2(write, text, message):
    definition = write("pass.asl.json", json.dumps(PASS))
    assert_clear_refusal(cli("run", definition, "--input", text), "--input", message)
    assert_clear_refusal(cli("run", definition, "--input-file", write("in.json", text)), "in.json", message)


def test_cli_input_file_that_is_not_utf8_is_exit_2(write):
    definition = write("pass.asl.json", json.dumps(PASS))
    result = cli("run", definition, "--input-file", write("in.json", b'{"a": "\xff"}'))
    assert_clear_refusal(result, "in.json: the input file is not UTF-8 text")


def test_cli_never_prints_nan(write):
    result = cli("run", write("pass.asl.json", json.dumps(PASS)), "--input", '{"a": NaN}', "--format", "json")
    assert "NaN" not in result.stdout


# -- mocks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, message", [
    ({"return": float("nan")}, "mock 'T': 'return' is not JSON: NaN is not JSON"),
    ({"return": {"a": {1}}}, "mock 'T': 'return' is not JSON: a set is not a JSON value (at /a)"),
    ({"return": "\ud800"}, "lone surrogate"),
    ({"return": 1, "duration": math.nan}, "'duration' must be a finite number"),
    ({"throw": {"Error": 5}}, "both strings"),
])
def test_mocks_that_are_not_json_are_refused_naming_the_mock(answer, message):
    with pytest.raises(aslsim.InputError) as caught:
        aslsim.load(TASK).run({}, mocks={"T": answer})
    assert message in str(caught.value)


def test_a_mock_function_returning_a_set_is_a_clear_error():
    with pytest.raises(aslsim.InputError, match="mock 'T': the 'call' function returned a value that is not JSON"):
        aslsim.load(TASK).run({}, mocks={"T": {"call": lambda parameters: {1, 2}}})


@pytest.mark.parametrize("content, message", [
    (b'{"T": {"return": NaN}}', "not valid JSON: NaN is not JSON"),
    (b'{"T": {"return": "\xff"}}', "the mocks file is not UTF-8 text"),
    (b'{"T": {"return": "\\udc80"}}', "lone surrogate"),
])
def test_a_mocks_file_that_is_not_json_is_exit_2(write, content, message):
    definition = write("task.asl.json", json.dumps(TASK))
    assert_clear_refusal(cli("run", definition, "--mocks", write("mocks.json", content)), "mocks.json", message)


@pytest.mark.parametrize("bad, message", [
    (math.nan, "NaN is not JSON"), (-math.inf, "-Infinity is not JSON"), ("\ud800", "lone surrogate"),
    ((1, {2}), "a set is not a JSON value"), (10 ** 5000, "more than 4300 digits"), (b"x", "a bytes"),
    (nested(jsonvalues.MAX_DEPTH), "nests deeper than 256 levels"),
], ids=["nan", "-inf", "surrogate", "in-a-tuple", "long-int", "bytes", "deep"])
def test_what_is_not_json_is_found_deep_inside_plain_objects_and_arrays(bad, message):
    # plain dicts, lists and ASCII text around it: the quick walk must not pass it
    value = {"a": [1, 2.5, None, True, "x", {"b": [{"c": bad}]}]}
    with pytest.raises(jsonvalues.NotJSON, match="(at /a/5/b/0/c)") as caught:
        jsonvalues.check(value)
    assert message in str(caught.value)
    with pytest.raises(jsonvalues.NotJSON, match="an object key"):
        jsonvalues.check({"a": [{"k\udc00": 1}]})
    jsonvalues.check({"é": ["ü", (1, 2), 2 ** 100, {"a": nested(jsonvalues.MAX_DEPTH - 5)}]})


class _Text(str):
    pass


@pytest.mark.parametrize("spoil", [
    lambda v: v["items"][1].update(price=float("nan")),
    lambda v: v.update({1: "int key"}),
    lambda v: v["items"].append({2, 3}),
    lambda v: v.update(name=_Text("a str subclass")),
    lambda v: v["items"][0].update(name="\ud800"),
])
def test_a_value_checked_before_is_checked_again_once_changed(spoil):
    # the same value checked on every run (mocks, an input) is known again by its content only
    value = {"name": "order", "items": [{"name": "a", "price": 2.5}, {"name": "b", "price": 3}]}
    jsonvalues.check(value)
    jsonvalues.check(value)
    spoil(value)
    with pytest.raises(jsonvalues.NotJSON):
        jsonvalues.check(value)
