"""A string is a value to JSONPath, never a JSON document: an indefinite path (slice, wildcard,
filter, deep scan) over a string input matches nothing, as Jayway matches nothing inside a
string; a deep scan reaches as deep as any value aslsim takes."""
import pytest

import aslsim
from aslsim import jsonvalues


def machine(path: str):
    return aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": path},
                                                         "End": True}}})


@pytest.mark.parametrize("path", ["$.a[0:2]", "$[*]", "$..a", "$.a[?(@ > 1)]", "$.*"])
def test_an_indefinite_path_on_a_string_input_that_looks_like_json_matches_nothing(path):
    execution = machine(path).run('{"a": [1, 2, 3]}')
    assert execution.status == "SUCCEEDED" and execution.output == {"x": []}


def test_a_string_input_that_is_broken_json_is_not_parsed_either():
    execution = machine("$.a[0:2]").run("$[")
    assert execution.status == "SUCCEEDED" and execution.output == {"x": []}


def test_the_same_path_on_the_object_itself_matches():
    assert machine("$.a[0:2]").run({"a": [1, 2, 3]}).output == {"x": [1, 2]}


def test_a_string_inside_the_input_is_not_parsed():
    assert machine("$.s[0:2]").run({"s": "[1, 2, 3]"}).output == {"x": []}


def test_a_deep_scan_reaches_the_depth_limit():
    value = "bottom"
    for _ in range(jsonvalues.MAX_DEPTH - 1):
        value = {"x": value}
    execution = machine("$..x").run(value)
    assert execution.status == "SUCCEEDED"
    assert execution.output["x"][-1] == "bottom"
