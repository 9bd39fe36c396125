"""aslsim.query.jsonata: JSONata with Step Functions' functions, clock and seeded randomness."""
from __future__ import annotations

import hashlib
import json
import pickle
import random
import re
import threading

import jlens
import pytest

from aslsim.query.jsonata import (UNDEFINED, Expression, JsonataError, JsonataSyntaxError,
                                  UnsupportedResultType, compile_expression)

NOW_MS = 1_700_000_000_123  # 2023-11-14T22:13:20.123Z

VARIABLES = {
    "states": {
        "input": {"a": {"b": "hi"}, "n": 5, "missing_value": None,
                  "items": [{"id": 1, "price": 30, "tags": ["x"]},
                            {"id": 2, "price": 60, "tags": ["y", "z"]},
                            {"id": 3, "price": 90, "tags": []}],
                  "json": '{"k": [1, 2.5, null]}'},
        "context": {"Execution": {"Id": "arn:exec", "Name": "run-1"},
                    "State": {"Name": "Step"}},
    },
    "x": 3,
    "nothing": None,
}


def ev(text, variables=VARIABLES, *, now_ms=NOW_MS, rng=None, **options):
    return compile_expression(text).evaluate(variables, now_ms=now_ms,
                                             rng=rng or random.Random(0), **options)


# --- values --------------------------------------------------------------------------------------

def test_states_and_variables_are_bound():
    assert ev("$states.input.a.b & ' ' & $string($x)") == "hi 3"
    assert ev("$states.context.Execution.Name") == "run-1"
    assert ev("$states.input.items[price > 50].id") == [2, 3]


def test_a_path_that_matches_nothing_is_undefined_not_null():
    assert ev("$states.input.nope") is UNDEFINED
    assert ev("$undeclared") is UNDEFINED


def test_null_is_null_not_undefined():
    assert ev("null") is None
    assert ev("$states.input.missing_value") is None
    assert ev("$nothing") is None
    assert ev("[null]") == [None]


def test_a_bare_field_name_is_undefined_because_no_input_is_bound():
    assert ev("a") is UNDEFINED
    assert ev("$") is UNDEFINED
    assert ev("$$") is UNDEFINED


def test_undefined_is_a_falsy_singleton():
    assert not UNDEFINED
    assert repr(UNDEFINED) == "UNDEFINED"
    assert type(UNDEFINED)() is UNDEFINED


def test_integral_numbers_come_back_as_int_as_javascript_prints_them():
    for text, expected in [("6 / 2", 3), ("1.5 * 2", 3), ("$sum([0.5, 0.5])", 1),
                           ("$number('3.0')", 3), ("1e3", 1000), ("[1.0, 2.5]", [1, 2.5]),
                           ("{'a': 2.0 * 1}", {"a": 2}), ("$x * 1.0", 3)]:
        result = ev(text)
        assert result == expected and type(result) is type(expected), text
    assert ev("{'deep': [[2.0]]}", {}) == {"deep": [[2]]}
    assert type(ev("{'deep': [[2.0]]}", {})["deep"][0][0]) is int


def test_non_integral_and_huge_numbers_stay_float():
    assert ev("1 / 4") == 0.25
    assert ev("1e21") == 1e21 and isinstance(ev("1e21"), float)


def test_a_function_result_is_reported_as_unsupported():
    for text in ["function($v) { $v }", "$sum", "$partition"]:
        with pytest.raises(UnsupportedResultType, match="returned an unsupported result type"):
            ev(text)


def test_functions_inside_a_value_serialize_as_json_does():
    assert ev("{'f': function() { 1 }, 'a': 1}") == {"a": 1}


# --- errors --------------------------------------------------------------------------------------

def test_an_evaluation_error_carries_jsonatas_code_and_message():
    with pytest.raises(JsonataError) as caught:
        ev("'a' + 1")
    assert caught.value.code == "T2001"
    assert caught.value.message == 'The left side of the "+" operator must evaluate to a number'
    assert str(caught.value) == 'T2001: The left side of the "+" operator must evaluate to a number'


def test_errors_survive_pickling():
    for err in (JsonataError("T2001", "text", position=3), JsonataSyntaxError("(", "S0203", "m", 1),
                UnsupportedResultType("$sum")):
        copy = pickle.loads(pickle.dumps(err))
        assert type(copy) is type(err) and str(copy) == str(err)
        assert vars(copy) == vars(err)


def test_invoking_a_non_function_is_t1006():
    with pytest.raises(JsonataError, match=r"^T1006: Attempted to invoke a non-function$"):
        ev("$nope()")


def test_eval_is_not_available_as_on_aws():
    with pytest.raises(JsonataError) as caught:
        ev("$eval('1 + 1')")
    assert str(caught.value) == "T1006: Attempted to invoke a non-function"


def test_a_syntax_error_is_raised_by_compile_with_what_and_where():
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression("($x := 1")
    err = caught.value
    assert err.code == "S0203"
    assert err.position == 8
    assert str(err) == ("Invalid JSONata expression '($x := 1': S0203: "
                        "Expected \")\" before end of expression at position 8")


def test_runaway_recursion_is_an_engine_limit_without_a_code_in_its_text():
    with pytest.raises(JsonataError) as caught:
        ev("($f := function($n) { $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))")
    assert caught.value.code == "U1001"
    assert str(caught.value).startswith("Stack overflow error: Check for non-terminating")


def test_an_endless_loop_is_cut_off_by_the_timeout():
    with pytest.raises(JsonataError, match="Expression evaluation timeout") as caught:
        ev("($f := function($n) { $f($n + 1) }; $f(0))", timeout=0.2)
    assert caught.value.code == "U1001"


# --- the clock -----------------------------------------------------------------------------------

def test_now_and_millis_read_the_virtual_clock():
    assert ev("$now()") == "2023-11-14T22:13:20.123Z"
    assert ev("$millis()") == NOW_MS
    assert ev("$now()", now_ms=0) == "1970-01-01T00:00:00.000Z"
    assert ev("$now('[Y0001]-[M01]-[D01]')") == "2023-11-14"


def test_the_clock_is_stable_within_one_evaluation():
    assert ev("[1..200].($millis()) ~> $distinct()") == NOW_MS
    assert ev("$now() = $now() and $millis() = $toMillis($now())") is True


# --- Step Functions' functions -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("$partition([1, 2, 3], 2)", [[1, 2], [3]]),
    ("$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    ("$partition([1, 2, 3, 4, 5], 5)", [[1, 2, 3, 4, 5]]),
    ("$partition([1, 2, 3, 4, 5], 6)", [[1, 2, 3, 4, 5]]),
    ("$partition([1, 2, 3, 4, 5], 2.9)", [[1, 2], [3, 4], [5]]),
    ("$partition($states.input.items.id, 2)", [[1, 2], [3]]),
    ("$partition([1, 2, 3])", [[1, 2, 3]]),
])
def test_partition_chunks_an_array_the_last_chunk_may_be_shorter(text, expected):
    assert ev(text) == expected


@pytest.mark.parametrize("text", ["$partition([], 2)", "$partition([1, 2], 0)",
                                  "$partition($states.input.nope, 2)"])
def test_partition_of_nothing_is_undefined(text):
    assert ev(text) is UNDEFINED


def test_partition_refuses_a_negative_size():
    with pytest.raises(JsonataError, match="^D3137: Second argument must be zero or greater$"):
        ev("$partition([1, 2], -1)")


@pytest.mark.parametrize("text, expected", [
    ("$range(0, 10, 5)", [0, 5, 10]),
    ("$range(0, 10, 2)", [0, 2, 4, 6, 8, 10]),
    ("$range(0, 10, 1)", list(range(11))),
    ("$range(1, 9, 3)", [1, 4, 7]),
    ("$range(1, -5, -1)", [1, 0, -1, -2, -3, -4, -5]),
    ("$range(10, 0, -2)", [10, 8, 6, 4, 2, 0]),
    ("$range(-1.7, 2, 1)", [-1, 0, 1, 2]),
    ("$range(3, 3, 1)", 3),
    ("$count($range(1, 200000, 1))", 200000),
])
def test_range_is_inclusive_and_steps_either_way(text, expected):
    assert ev(text) == expected


@pytest.mark.parametrize("text", ["$range(1, 9, 0)", "$range(5, 1, 1)", "$range(1, 5, -1)",
                                  "$range(1, 5)"])
def test_range_with_no_items_is_undefined(text):
    assert ev(text) is UNDEFINED


def test_range_needs_start_and_stop():
    with pytest.raises(JsonataError) as caught:
        ev("$range(1)")
    assert caught.value.code == "T0410"


@pytest.mark.parametrize("algorithm, name", [("MD5", "md5"), ("SHA-1", "sha1"),
                                             ("SHA-256", "sha256"), ("SHA-384", "sha384"),
                                             ("SHA-512", "sha512")])
def test_hash_gives_the_hex_digest(algorithm, name):
    assert ev(f"$hash('abc', '{algorithm}')") == hashlib.new(name, b"abc").hexdigest()


def test_hash_of_known_values():
    assert ev("$hash('abc', 'SHA-256')") == \
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert ev("$hash('abc', 'MD5')") == "900150983cd24fb0d6963f7d28e17f72"
    assert ev("$hash('input data', 'SHA-1')") == "aaff4a450a104cd177d28d18d74485e8cae074b7"
    assert ev("$hash('ñ', 'MD5')") == "94e9342ecbb1458b6043ecd3bfcbc192"  # UTF-8 bytes


def test_hash_algorithm_names_are_exact():
    with pytest.raises(JsonataError) as caught:
        ev("$hash('abc', 'sha-256')")
    assert caught.value.code == "D3137"


def test_hash_takes_a_string():
    with pytest.raises(JsonataError) as caught:
        ev("$hash(42, 'MD5')")
    assert caught.value.code == "T0410"
    assert ev("$hash('abc')") is UNDEFINED


def test_parse_reads_json_text():
    assert ev("$parse($states.input.json)") == {"k": [1, 2.5, None]}
    assert ev("$parse('{\"b\": 1, \"a\": 2}')") == {"b": 1, "a": 2}
    assert list(ev("$parse('{\"b\": 1, \"a\": 2}')")) == ["b", "a"]
    assert ev("$parse('[1.0]')") == [1]
    assert ev("$parse($states.input.json).k[1]") == 2.5


def test_parse_of_null_text_is_json_null():
    assert ev("$parse('null')") is None
    assert ev("$exists($parse('null'))") is True
    assert ev("$type($parse('null'))") == "null"


@pytest.mark.parametrize("text", ["''", "'{'", "'{\"a\": 1} {}'", "'{\"a\": 1, \"a\": 2}'",
                                  "'1e400'", "'NaN'"])
def test_parse_refuses_what_is_not_one_json_document(text):
    with pytest.raises(JsonataError, match="^D3137: Invalid JSON$"):
        ev(f"$parse({text})")


def test_parse_is_usable_as_a_function_value():
    assert ev("$map(['{\"a\": 1}', '{\"a\": 2}'], $parse).a") == [1, 2]


def test_uuid_is_a_version_4_uuid_drawn_from_the_executions_rng():
    value = ev("$uuid()", rng=random.Random(7))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        value)
    assert ev("$uuid()", rng=random.Random(7)) == value
    assert ev("$uuid()", rng=random.Random(8)) != value
    assert ev("$uuid() = $uuid()") is False


def test_uuid_takes_no_argument():
    with pytest.raises(JsonataError) as caught:
        ev("$uuid('seed')")
    assert caught.value.code == "T0410"


def test_random_draws_from_the_executions_rng():
    rng = random.Random(42)
    expected = random.Random(42)
    expression = compile_expression("$random()")
    for _ in range(3):
        assert expression.evaluate({}, now_ms=NOW_MS, rng=rng) == expected.random()
    value = ev("$random()")
    assert 0 <= value < 1


def test_random_with_a_seed_is_the_same_for_that_seed():
    # AWS draws a seeded $random from java.util.Random: new Random(42).nextDouble().
    assert ev("$random(42)") == 0.7275636800328681
    assert ev("$random(0)") == 0.730967787376657
    assert ev("$random(80) = $random(80)") is True
    assert ev("$random(0.9) = $random(0)") is True
    assert ev("$random(1) != $random(2)") is True


def test_random_with_a_seed_leaves_the_executions_rng_alone():
    rng = random.Random(1)
    before = rng.getstate()
    ev("$random(5)", rng=rng)
    assert rng.getstate() == before


def test_random_takes_one_number_at_most():
    for text in ["$random(1, 2)", "$random('a')"]:
        with pytest.raises(JsonataError) as caught:
            ev(text)
        assert caught.value.code == "T0410"


def test_shuffle_is_seeded_by_the_executions_rng():
    first = ev("$shuffle([1, 2, 3, 4, 5, 6, 7, 8])", rng=random.Random(3))
    assert first == ev("$shuffle([1, 2, 3, 4, 5, 6, 7, 8])", rng=random.Random(3))
    assert sorted(first) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_null_result_drawn_from_the_rng_draws_only_once():
    # jlens answers None for null and undefined alike; telling them apart must not draw twice.
    rng = random.Random(9)
    expected = random.Random(9)
    expected.random()
    assert ev("$random() < 2 ? null : 1", rng=rng) is None
    assert rng.getstate() == expected.getstate()


# --- compile once, evaluate many ----------------------------------------------------------------

def test_an_expression_keeps_its_text_and_is_reusable():
    expression = compile_expression("$x + 1")
    assert isinstance(expression, Expression)
    assert expression.text == "$x + 1"
    rng = random.Random(0)
    assert [expression.evaluate({"x": i}, now_ms=0, rng=rng) for i in range(3)] == [1, 2, 3]


def test_the_variables_are_not_changed():
    variables = {"states": {"input": {"items": [{"id": 1, "other": 2}]}}}
    ev("$states.input.items ~> |$|{'id': 9}|", variables)
    assert variables == {"states": {"input": {"items": [{"id": 1, "other": 2}]}}}


@pytest.mark.parametrize("text", [
    "$states.input.a.b", "$states.input.items[0]", "$states.input.items[-1].id",
    "$states.input.items[price > 50].id", "$count($states.input.items)",
    "$states.input.items.tags", "$states.input.items.(id & ':' & $join(tags, ','))",
    "$keys($states.input)", "$states.input.*", "$states.input.**.id", "$string($states.input)",
    "$lookup($states.input, 'n')", "$states.input.items{$string(id): price}",
    "$sift($states.input, function($v, $k) { $k = 'n' })",
    "$each($states.context, function($v, $k) { $k })",
    "($s := $states; $s.input.a)", "$map($states.input.items, function($v) { $v.id * $x })",
    "$states.input.items^(>price).id", "$states.input ~> |items|{'seen': true}|",
    "$merge([$states.input.a, {'c': 1}])", "$spread($states.input.a)", "$states.input.items#$i.$i",
    "$states.input.items@$it.$it.id", "$partition($states.input.items, 2)",
    "$states.input.items[$x - 1 = id].price", "$distinct($states.input.items.tags)",
    "$states.context.Execution.Id & $states.input.a.b", "$exists($states.input.nope)",
    "$states.input.items[tags = 'z'].id", "$states.input.items['z' in tags].id",
    "$reduce($states.input.items, function($a, $v) { $a + $v.price }, 0)",
    "$states.input.items[0].tags[1]", "$states.input.items.tags[0]", "$states.input.items[[0..2]]",
])
def test_cutting_the_variables_down_never_changes_a_result(text):
    # The variables are cut to what jlens.Expression.reads says the expression reads (lists
    # only past a length, hence the 40 items); the full variables must give the same result.
    variables = {**VARIABLES, "states": {**VARIABLES["states"], "input": {
        **VARIABLES["states"]["input"],
        "items": [{"id": i, "price": i * 7 % 100, "tags": ["x", "y", "z"][: i % 4],
                   "extra": {"i": i}} for i in range(40)]}}}
    expression = compile_expression(text)
    whole = jlens.Expression(text)
    if "$partition" in text:
        whole.register_function("partition", lambda a, n: [a[i:i + n] for i in range(0, len(a), n)])
    expected = whole.evaluate_json(None, variables, now=NOW_MS)
    expected = UNDEFINED if expected is None else json.loads(expected)
    assert expression.evaluate(variables, now_ms=NOW_MS, rng=random.Random(0)) == expected


def test_only_what_the_expression_reads_is_handed_to_the_engine():
    # White box: the point of cutting is that a big input costs only what is read of it.
    variables = {"states": {"input": {"a": {"b": 1, "c": 2}, "big": list(range(1000)),
                                      "items": [{"id": i, "blob": "x" * 100} for i in range(40)]},
                            "context": {"Execution": {}}},
                 "x": 1, "unused": {"huge": list(range(1000))}}
    cut = compile_expression("$states.input.a.b + $x + $sum($states.input.items.id)")
    assert cut._bindings(variables) == {
        "states": {"input": {"a": {"b": 1}, "items": [{"id": i} for i in range(40)]}}, "x": 1}


def test_evaluate_may_take_an_input_document_for_jsonatas_own_tests():
    assert ev("a", {}, input={"a": 5}) == 5
    assert ev("$", {}, input=None) is None
    assert ev("$", {}) is UNDEFINED


def test_one_expression_serves_several_threads():
    expression = compile_expression("$uuid() & '/' & $string($x)")
    expected = {i: expression.evaluate({"x": i}, now_ms=0, rng=random.Random(i)) for i in range(8)}
    results = {}

    def work(i):
        for _ in range(200):
            value = expression.evaluate({"x": i}, now_ms=0, rng=random.Random(i))
            if value != expected[i]:
                results[i] = value
                return
        results.setdefault(i, "ok")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: "ok" for i in range(8)}


# --- $states.input read as the input document ----------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("$merge([$states.input, {'last': $states.input.a.b}])", None),
    ("$states.input", "$$"),
    ("$states . input.n + $states.context.State.Name", "$$.n + $states.context.State.Name"),
    ("\"$states.input\" & $states.input.a.b", "\"$states.input\" & $$.a.b"),
    ("$states.input.`my key`", "$$.`my key`"),
    ("$states", None),                          # $states read whole
    ("($states := {}; $states.input)", None),   # rebound
    ("$states.input.n / 2", None),              # a "/" may open a regular expression
    ("$match($states.input.a.b, /h/)", None),
    ("$$.n + $states.input.n", None),           # reads the document itself
    ("$states.inputs", None),
    ("/* $states.input */ 1", None),
    ("$x + 1", None),                           # nothing to gain
])
def test_which_expressions_read_states_input_as_the_document(text, expected):
    from aslsim.query.jsonata import _input_as_document
    if expected is None and text.startswith("$merge"):
        expected = "$merge([$$, {'last': $$.a.b}])"
    assert _input_as_document(text) == expected


def both_ways(text, states_input, **states):
    """The value (or the error) of ``text`` evaluated as written and with $states.input read as
    the document: they must be the same."""
    expression = compile_expression(text)
    assert expression.reads_input_as_document
    outcomes = []
    for fast in (False, True):
        bindings = {"states": dict(states) if fast else dict(states, input=states_input), "x": 3}
        try:
            if fast:
                value = expression.evaluate_input_as_document(bindings, states_input, now_ms=NOW_MS,
                                                              rng=None)
            else:
                value = expression.evaluate(bindings, now_ms=NOW_MS, rng=None)
            outcomes.append(("value", value))
        except JsonataError as err:
            outcomes.append(("error", err.code, str(err), err.position))
    assert outcomes[0] == outcomes[1]
    return outcomes[0]


@pytest.mark.parametrize("text, states_input, expected", [
    ("$merge([$states.input, {'n': $states.input.n + $x}])", {"n": 1, "k": [1, 2]},
     ("value", {"n": 4, "k": [1, 2]})),
    ("$states.input.items[price > 40].id", {"items": [{"id": 1, "price": 30}, {"id": 2, "price": 60}]},
     ("value", 2)),
    ("$states.input.missing", {"n": 1}, ("value", UNDEFINED)),
    ("$states.input.none", {"none": None}, ("value", None)),
    ("$states.input.n * 2.0", {"n": 1.5}, ("value", 3)),
    ("$states.input[0]", [7, 8], ("value", 7)),                  # an array is bound, as before
    ("$count($states.input)", [7, 8], ("value", 2)),
    ("$states.input", "text", ("value", "text")),
    ("$states.input.n", None, ("value", UNDEFINED)),
    ("$states.input.v + $states.result", {"v": 1}, ("value", 3)),
])
def test_reading_states_input_as_the_document_gives_the_same_value(text, states_input, expected):
    assert both_ways(text, states_input, result=2) == expected


def test_reading_states_input_as_the_document_fails_as_the_expression_is_written():
    outcome = both_ways("$states.input.n + $states.input.s", {"n": 1, "s": "x"})
    assert outcome[0] == "error" and outcome[1] == "T2002"


# --- plain path expressions read without the engine ----------------------------------------------

@pytest.mark.parametrize("value", [
    "FORD", "", "é\u2028", True, False, None, 0, -7, 2 ** 53, 2 ** 60 + 1, -2 ** 70, 2.5, 3.0, -0.0,
    1e20, 1e300, 0.1, {"b": 3.0}, [1, 2.0], [], [[1]], {"x": [{"y": 1}]},
])
@pytest.mark.parametrize("text, where", [
    ("{% $v %}", "variable"), ("{% $v.a.b %}", "variable"), ("{% $states.input.a.b %}", "input"),
    ("{% $states.result.a %}", "result"),
])
def test_a_plain_path_expression_gives_what_the_engine_gives(value, text, where):
    from types import SimpleNamespace
    from aslsim.query.templates import ABSENT, compile_jsonata_template
    shaped = {"a": {"b": value}} if text.endswith(".a.b %}") else {"a": value} if ".a %}" in text else value
    env = SimpleNamespace(input=shaped if where == "input" else {"other": 1},
                          result=shaped if where == "result" else ABSENT, error_output=ABSENT,
                          variables={"v": shaped}, context={}, now_ms=NOW_MS, random=None)
    template = compile_jsonata_template(text, "Output")
    assert template.root._path is not None
    outcomes = []
    for plain in (True, False):
        if not plain:
            template.root._path = None       # the engine answers
        try:
            outcomes.append(("value", template.resolve(env)))
        except Exception as err:
            outcomes.append(("error", type(err).__name__, str(err)))
    assert outcomes[0] == outcomes[1]
    assert type(outcomes[0][1]) is type(outcomes[1][1])


@pytest.mark.parametrize("text, variables", [
    ("{% $v.a %}", {"v": [{"a": 1}, {"a": 2}]}),     # JSONata maps over an array
    ("{% $v.missing %}", {"v": {"a": 1}}),            # undefined: the state fails
    ("{% $count %}", {}),                             # not a variable: JSONata's function
])
def test_a_plain_path_the_engine_must_answer_is_left_to_it(text, variables):
    from types import SimpleNamespace
    from aslsim.query.templates import ABSENT, compile_jsonata_template
    env = SimpleNamespace(input={}, result=ABSENT, error_output=ABSENT, variables=variables,
                          context={}, now_ms=NOW_MS, random=None)
    template = compile_jsonata_template(text, "Output")
    outcomes = []
    for plain in (True, False):
        if not plain:
            template.root._path = None
        try:
            outcomes.append(("value", template.resolve(env)))
        except Exception as err:
            outcomes.append(("error", type(err).__name__, str(err)))
    assert outcomes[0] == outcomes[1]
