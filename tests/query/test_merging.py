"""``$merge([A, B, ...])`` merged in Python (query/merging.py, templates.Expression._merged) gives
exactly what jlens gives evaluating the expression as written, and gives up where it might not."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aslsim
from aslsim.definition.limits import PAYLOAD_BYTES
from aslsim.query import merging
from aslsim.query.templates import ABSENT, Expression, compile_jsonata_template

NOW_MS = 1_700_000_000_000
BENCH = ("{% $merge([$states.input, {'last': {'step': 3, 'prev': $states.input.last.step, "
         "'name': $states.input.name}}]) %}")


def _env(states_input, result=ABSENT, variables=None):
    return SimpleNamespace(input=states_input, result=result, error_output=ABSENT,
                           variables=variables or {}, context={"State": {"Name": "S"}},
                           now_ms=NOW_MS, random=None)


def _outcome(template, env):
    try:
        value = template.resolve(env)
    except Exception as err:
        return ("error", type(err).__name__, str(err))
    return ("value", json.dumps(value), value)


def _both(text, env):
    """The outcome merged in Python and as jlens evaluates the text, and whether Python merged."""
    template = compile_jsonata_template(text, "Output")
    root = template.root
    merged = root._merge is not None and root._merged(env) is not None
    fast = _outcome(template, env)
    root._merge = None
    return fast, _outcome(template, env), merged


# --- the differential test: random objects, random items ----------------------------------------

_KEYS = st.sampled_from(["a", "b", "c", "1", "0", "10", "01", "-1", "name", "x.y", "é"])
_SCALARS = (st.none() | st.booleans() | st.integers(-2 ** 60, 2 ** 60)
            | st.sampled_from([2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, -2 ** 53, 10 ** 30, 0])
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.sampled_from([3.0, -0.0, 0.5, 1e16, 1e-7])
            | st.text(max_size=8) | st.sampled_from(["1.5", "v2e+3", "a\nb", "\u2028", "😀"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)
_OBJECTS = st.dictionaries(_KEYS, _VALUES, max_size=5)
_ITEMS = st.sampled_from([
    "$states.input", "$states.input.a", "$states.input.b.c", "$v", "$v.a", "$w", "$states.result",
    "$states.result.Payload", "$states.context.State", "$states.input.missing",
    "{'a': $states.input.a}", "{'1': 1, 'b': $v.b, '0': 'zero'}", "{'k': {'n': $states.input.name}}",
    "{'a': $states.input.a ? 1 : 0}", "$states.input.a[0]", "[{'a': 1}]", "'text'", "5",
    "{'c': 3.5}", "$v ? $v : {}", "$states.input.list", "($states.input)",
    "{'t': true, 'n': null, 'm': -12, 's': \"dq\", 'e': {}}", "{'a': {'b': {'c': $v.a.b}}}",
    "{'ctx': $states.context.State.Name, 'p': $states.result.Payload}", "{'x': $w.a, 'y': $v}",
    "{'a': $count}", "{'a': $states.input.a, 'a': 1}", "{}", "{'w': $w}",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_ITEMS, min_size=1, max_size=4), states_input=_OBJECTS, v=_VALUES,
       w=_OBJECTS, result=st.none() | _OBJECTS | st.builds(lambda p: {"Payload": p}, _VALUES),
       with_list=st.booleans())
def test_merged_in_python_is_what_jlens_gives(items, states_input, v, w, result, with_list):
    if with_list:
        states_input["list"] = [{"a": 1}, {"b": 2}]
    env = _env(states_input, ABSENT if result is None else result, {"v": v, "w": w})
    fast, written, _ = _both("{% $merge([" + ", ".join(items) + "]) %}", env)
    assert fast == written


# Values and items jlens gives back unchanged, mostly: here the merge is mostly made in Python.
_PLAIN_SCALARS = (st.none() | st.booleans() | st.integers(-2 ** 53 + 1, 2 ** 53 - 1)
                  | st.text(alphabet="ab1é\n\"😀", max_size=6) | st.just("1.5"))
_PLAIN_VALUES = st.recursive(_PLAIN_SCALARS, lambda inner: st.lists(inner, max_size=3)
                             | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=10)
_PLAIN_OBJECTS = st.dictionaries(_KEYS, _PLAIN_VALUES, max_size=5)
# objects holding an object at "a" and anything at "b", mostly (the items read those)
_HOLDERS = st.builds(lambda a, b, rest: {**rest, "a": a, "b": b},
                     _PLAIN_OBJECTS, _PLAIN_VALUES, _PLAIN_OBJECTS) | _PLAIN_OBJECTS
_PLAIN_ITEMS = st.sampled_from([
    "$states.input", "$states.input.a", "$states.input.b", "$v", "$v.a", "$w", "$states.result",
    "$states.result.Payload", "{'a': $states.input.a}", "{'1': 1, 'b': $v.b, '0': 'zero'}",
    "{'k': {'n': $states.input.b}, '10': -3}", "{'f': $v.b, 'g': $states.input.a.a}", "{'a': {'b': {'c': $w.a}}}", "{}",
    "{'0': $states.input.a, 'b': true, 'é': null}", "{'x': $w.a, 'y': $v, 'a': $w.b}",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_PLAIN_ITEMS, min_size=1, max_size=4), states_input=_HOLDERS,
       v=_HOLDERS, w=_HOLDERS, result=st.builds(lambda p: {"Payload": p}, _PLAIN_OBJECTS) | _HOLDERS)
def test_plain_items_merged_in_python_are_what_jlens_gives(items, states_input, v, w, result):
    env = _env(states_input, ABSENT if result is None else result, {"v": v, "w": w})
    fast, written, _ = _both("{% $merge([" + ", ".join(items) + "]) %}", env)
    assert fast == written


def test_the_bench_shape_is_merged_in_python_and_shares_what_it_merges():
    states_input = {"name": "bench", "last": {"step": 2}, "payload": {"k": list(range(20))}}
    fast, written, merged = _both(BENCH, _env(states_input))
    assert merged and fast == written
    template = compile_jsonata_template(BENCH, "Output")
    value = template.resolve(_env(states_input))
    assert value == {"name": "bench", "last": {"step": 3, "prev": 2, "name": "bench"},
                     "payload": {"k": list(range(20))}}
    assert value["payload"] is states_input["payload"]      # shared, not converted


# --- where it gives up -------------------------------------------------------------------------

@pytest.mark.parametrize("states_input, why", [
    ({"a": 3.0}, "a float jlens turns into 3"),
    ({"a": [-0.0]}, "a float jlens turns into 0"),
    ({"a": {"b": 2 ** 53 + 1}}, "an integer jlens rounds"),
    ({"a": "\ud800"}, "a lone surrogate"),
])
def test_a_value_jlens_would_change_is_left_to_jlens(states_input, why):
    fast, written, merged = _both("{% $merge([$states.input, {'b': 1}]) %}", _env(states_input))
    assert not merged, why
    assert fast == written


@pytest.mark.parametrize("item, variables, why", [
    ("$v", {"v": [{"a": 1}]}, "an array, which the constructor flattens"),
    ("$states.input.missing", {}, "undefined, which the constructor drops"),
    ("$v", {}, "an unset variable"),
    ("$states.result", {}, "no result"),
    ("{'a': $states.input.missing}", {}, "a constructor's path that finds nothing"),
    ("{'a': $v.b}", {"v": [{"b": 1}]}, "a constructor's path through an array"),
    ("$v.a", {"v": [{"a": {"b": 1}}]}, "a path through an array, which JSONata maps over"),
])
def test_an_unusual_item_leaves_the_merge_to_jlens(item, variables, why):
    fast, written, merged = _both("{% $merge([$states.input, " + item + "]) %}",
                                  _env({"x": 1}, variables=variables))
    assert not merged, why
    assert fast == written


def test_items_together_over_the_limit_are_left_to_jlens_though_their_merge_is_within_it():
    env = _env({"a": "x" * (PAYLOAD_BYTES - 10)})
    fast, written, merged = _both("{% $merge([$states.input, {'a': 1}]) %}", env)
    assert not merged and fast == written and fast[2] == {"a": 1}


def test_merged_items_over_the_limit_fail_as_jlens_fails_them():
    env = _env({"a": "x" * (PAYLOAD_BYTES // 2)}, variables={"v": {"b": "y" * (PAYLOAD_BYTES // 2)}})
    fast, written, merged = _both("{% $merge([$states.input, $v]) %}", env)
    assert not merged and fast == written and fast[1] == "PayloadTooLarge"


def test_a_later_item_overrides_an_earlier_key_where_it_first_came():
    env = _env({"b": 1, "a": 2, "2": 3}, variables={"v": {"a": 5, "0": 6}})
    fast, written, merged = _both("{% $merge([$states.input, $v]) %}", env)
    assert merged and fast == written
    assert list(fast[2]) == ["b", "a", "2", "0"] and fast[2]["a"] == 5


@pytest.mark.parametrize("text", [
    "$merge([$states.input, /* a, b */ $v])",        # a comment
    "$merge([$states.input, $v]) & $merge([$w])",     # brackets that are not the call's
    "$merge([$states.input, $replace($v, /,/, '')])",  # a regular expression
    "$merge([($v := {}; $v), $v])",                   # a binding
    "$merge([$states.input, 'abc])",                  # a string that never ends
    "$merge([])",
    "$merge([$states.input, ])",
    "$merge($states.input)",
    "$merge([$states.input])[0]",
])
def test_texts_the_scanner_might_misread_are_not_split(text):
    assert merging.split_items(text) is None


def test_items_are_split_around_strings_names_and_brackets():
    text = "$merge([$a, 'x,y\\'', \"q]\", `a,b`, [1, 2], ($f(1, 2)), {'k': [3, 4]}])"
    assert merging.split_items(text) == ["$a", "'x,y\\''", '"q]"', "`a,b`", "[1, 2]", "($f(1, 2))",
                                         "{'k': [3, 4]}"]


def test_a_function_replacing_an_earlier_value_is_left_out_as_jlens_leaves_it_out():
    # jlens leaves a function-valued key out of the whole result: alone, {'a': $count} would
    # give {} and a merge of the items would keep the earlier 0
    fast, written, merged = _both("{% $merge([{'a': 0}, {'a': $count}]) %}", _env({}))
    assert not merged and fast == written and fast[2] == {}


@pytest.mark.parametrize("text", [
    "{% $merge([$states.input, 'text']) %}",              # an item that is not plain
    "{% $merge([$states.input, {'a': $error('no')}]) %}",
    "{% $merge([$states.input, {'a': $count}]) %}",
    "{% $merge([$states.input, {'r': $random()}]) %}",   # draws from the rng: in order, as written
    "{% $merge([$states.input, {'r': [1..3]}]) %}",      # runs in the sandbox
    # jlens cannot tell which bindings $eval reads: all are bound, a variable "merge" among them
    "{% $merge([$states.input, $eval('1')]) %}",
])
def test_expressions_merged_only_as_written(text):
    template = compile_jsonata_template(text, "Output")
    assert isinstance(template.root, Expression) and template.root._merge is None


# --- in the engine ----------------------------------------------------------------------------

LAMBDA = "arn:aws:states:::lambda:invoke"
MERGE_DEFINITION = {
    "QueryLanguage": "JSONata", "StartAt": "Mark",
    "States": {
        "Mark": {"Type": "Pass", "Next": "Call",
                 "Output": "{% $merge([$states.input, {'last': {'step': 1, 'prev': "
                           "$states.input.last.step}}]) %}"},
        "Call": {"Type": "Task", "Resource": LAMBDA, "Next": "Float",
                 "Arguments": {"FunctionName": "work", "Payload": "{% $states.input %}"},
                 "Output": "{% $merge([$states.input, $states.result.Payload, {'done': true}]) %}"},
        "Float": {"Type": "Pass", "End": True,
                  "Output": "{% $merge([$states.input, {'f': 2.5}]) %}"}}}


def test_a_pass_and_a_task_output_merged_in_python_give_the_output_and_history_as_written(monkeypatch):
    mocks = {"Call": [{"return": {"Payload": {"r": [1, 2], "last": {"step": 9}}}}]}
    data = {"last": {"step": 0}, "payload": {"k": [1, 2, 3]}}
    merged_in_python = []
    merged = Expression._merged

    def counted(self, env):
        value = merged(self, env)
        merged_in_python.append(value is not None)
        return value

    monkeypatch.setattr(Expression, "_merged", counted)
    fast = aslsim.load(MERGE_DEFINITION).run(data, mocks=mocks, seed=3)
    monkeypatch.setattr(Expression, "_merge_items", lambda self, body: None)
    written = aslsim.load(MERGE_DEFINITION).run(data, mocks=mocks, seed=3)
    assert merged_in_python == [True, True]     # Float's 2.5 is left to jlens
    assert fast.status == written.status == "SUCCEEDED"
    assert json.dumps(fast.output) == json.dumps(written.output)
    assert json.dumps(fast.history) == json.dumps(written.history)
    assert fast.output == {"last": {"step": 9}, "payload": {"k": [1, 2, 3]}, "r": [1, 2],
                           "done": True, "f": 2.5}


# --- object constructors built in Python --------------------------------------------------------

def test_a_plain_object_constructor_is_built_in_python():
    template = compile_jsonata_template(BENCH, "Output")
    assert type(template.root._merge[1]) is merging.Constructor


@pytest.mark.parametrize("item", [
    "{'a': 1.5}", "{'a': 'x\\ny'}", "{'a': $count}", "{'a': $v[0]}", "{'a': 1, 'a': 2}",
    "{'a': 3 + 1}", "{'a': $states.input.a}.a", "{'a': -0}",
])
def test_constructors_that_are_not_plain_are_left_to_jlens(item):
    template = compile_jsonata_template("{% $merge([$states.input, " + item + "]) %}", "Output")
    assert template.root._merge is None


@pytest.mark.parametrize("value, why", [
    ({"b": 2.5}, "a float inside an object"),
    ([1, 3.0], "a float in an array"),
    (2 ** 53 + 1, "an integer jlens rounds"),
    ("x" * PAYLOAD_BYTES, "a string over the limit"),
])
def test_a_constructor_reading_a_value_jlens_would_change_is_left_to_jlens(value, why):
    text = "{% $merge([{'x': 1}, {'a': $states.input.a}]) %}"
    fast, written, merged = _both(text, _env({"a": value}))
    assert not merged, why
    assert fast == written


def test_a_constructor_shares_the_containers_it_reads():
    states_input = {"a": {"b": [1, {"c": "d"}]}}
    template = compile_jsonata_template("{% $merge([{'x': 1}, {'a': $states.input.a}]) %}", "Output")
    value = template.resolve(_env(states_input))
    assert value == {"x": 1, "a": {"b": [1, {"c": "d"}]}} and value["a"] is states_input["a"]


def test_a_constructor_reading_a_missing_field_is_left_to_jlens():
    # JSONata leaves the key out; the constructor is not built and jlens says so
    fast, written, merged = _both("{% $merge([{'x': 1}, {'a': $states.input.a}]) %}", _env({}))
    assert not merged and fast == written and fast[2] == {"x": 1}
