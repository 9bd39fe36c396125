"""aslsim.query.intrinsics: the States.* intrinsic functions, their parser and their errors."""
from __future__ import annotations

import random
import re
import types

import pytest

from aslsim.errors import DefinitionError, StatesError
from aslsim.query.intrinsics import compile_intrinsic, java_number
from aslsim.query.templates import compile_template
from helpers import resolve

DATA = {
    "name": "Arnav",
    "n": 5,
    "items": [{"id": 1}, {"id": 2}],
    "a b": "spaced",
    "obj": {"Arg1": 1, "Arg2": []},
    "template": "Hello, {}!",
}


def make_env(seed=0):
    return types.SimpleNamespace(
        context={"Execution": {"Name": "exec-1", "Input": {"k": "v"}},
                 "StateMachine": {"Name": "my-machine-x"}},
        variables={"var": {"x": 42}, "greeting": "Hi {}"},
        random=random.Random(seed))


def run(text, data=DATA, env=None):
    return resolve(compile_intrinsic(text), data, env or make_env())


def failure(text, data=DATA, env=None) -> StatesError:
    with pytest.raises(StatesError) as info:
        run(text, data, env)
    return info.value


def refused(text) -> str:
    with pytest.raises(DefinitionError) as info:
        compile_intrinsic(text)
    return str(info.value)


# --- literals and the parser ----------------------------------------------------------------------

def test_string_literal_escapes_quote_braces_and_backslash():
    assert run(r"States.Array('It\'s \{ok\} \\ done')") == ["It's {ok} \\ done"]


def test_unescaped_braces_are_allowed_in_a_literal():
    # recorded: States.StringToJson('{"constant_in_literal": "false"}') runs on AWS
    assert run("""States.StringToJson('{"k": "false"}')""") == {"k": "false"}


def test_numbers_keep_integer_and_float_apart():
    result = run("States.Array(1, -2, 3.5, -0.25, 1e3)")
    assert result == [1, -2, 3.5, -0.25, 1000.0]
    assert [type(v) for v in result] == [int, int, float, float, float]


def test_true_false_and_null_literals():
    assert run("States.Array(true, false, null)") == [True, False, None]


def test_whitespace_around_arguments_is_ignored():
    assert run("States.Array(  1 ,'a'  ,  $.n  )") == [1, "a", 5]


def test_empty_argument_list():
    assert run("States.Array()") == []


def test_root_path_argument():
    assert run("States.Array($)", data=[1]) == [[1]]


def test_bracket_path_with_space_in_the_name():
    assert run("States.Array($['a b'])") == ["spaced"]


def test_indefinite_path_yields_the_list_of_matches():
    assert run("States.Array($.items[*].id)") == [[1, 2]]


def test_context_path_argument():
    assert run("States.Format('run {}', $$.Execution.Name)") == "run exec-1"


def test_variable_path_argument():
    assert run("States.Array($var.x, $greeting)") == [42, "Hi {}"]


def test_nested_calls():
    text = ("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
            "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))")
    assert run(text) == "x"


def test_intrinsic_keeps_its_text():
    assert compile_intrinsic("States.Array($.n)").text == "States.Array($.n)"


def test_template_key_with_an_intrinsic():
    template = compile_template({"greeting.$": "States.Format('Hello, {}', $.name)"}, "Parameters")
    assert resolve(template, DATA, make_env()) == {"greeting": "Hello, Arnav"}


# --- definition errors ------------------------------------------------------------------------------

def test_unknown_function_is_refused():
    assert "'States.Concat' is not an intrinsic function" in refused("States.Concat('a', 'b')")


def test_function_names_are_case_sensitive():
    assert "is not an intrinsic function" in refused("States.format('a')")


def test_fixed_argument_count_is_checked():
    assert "States.ArrayLength takes 1 argument(s), but 2 were given" in refused(
        "States.ArrayLength($.items, 1)")


def test_math_random_takes_two_or_three_arguments():
    assert "States.MathRandom takes 2 or 3 argument(s), but 4 were given" in refused(
        "States.MathRandom(1, 2, 3, 4)")


def test_format_needs_at_least_the_template():
    assert "States.Format takes at least 1 argument(s), but 0 were given" in refused(
        "States.Format()")


def test_uuid_takes_no_argument():
    assert "States.UUID takes 0 argument(s), but 1 were given" in refused("States.UUID(1)")


def test_arity_of_a_nested_call_is_checked():
    assert "States.MathAdd takes 2 argument(s)" in refused("States.Array(States.MathAdd(1))")


def test_unclosed_string_is_refused():
    assert "not closed" in refused("States.Format('abc)")


def test_unknown_escape_is_refused():
    assert "must escape one of" in refused(r"States.Format('a\nb')")


def test_text_after_the_call_is_refused():
    assert "unexpected" in refused("States.Array(1) x")


def test_missing_parentheses_are_refused():
    assert "expected '('" in refused("States.UUID")


def test_missing_comma_is_refused():
    assert "expected ',' or ')'" in refused("States.Array(1 2)")


def test_bare_word_argument_is_refused():
    assert "expected a string in single quotes" in refused("States.Array(hello)")


def test_plain_path_is_not_an_intrinsic():
    assert "expected a function call" in refused("$.a")


def test_ten_levels_of_nesting_are_allowed():
    assert run("States.Array(" * 10 + ")" * 10) == [[[[[[[[[[]]]]]]]]]]


def test_eleven_levels_of_nesting_are_refused():
    assert "nested at most 10 deep" in refused("States.Array(" * 11 + ")" * 11)


# --- States.Format ----------------------------------------------------------------------------------

def test_format_replaces_placeholders_in_order():
    assert run("States.Format('{} and {}', 'a', 'b')") == "a and b"


def test_format_prints_scalars_as_java_does():
    assert run("States.Format('{} {} {} {} {}', 1, 1.1, true, null, 'x')") == "1 1.1 true null x"


def test_format_prints_integral_float_with_point_zero():
    assert run("States.Format('{}', $.f)", data={"f": 1.0}) == "1.0"


def test_format_prints_large_float_in_java_scientific_notation():
    assert run("States.Format('{}', $.f)", data={"f": 1e20}) == "1.0E20"


def test_format_prints_object_as_java_map():
    # recorded: {"Arg1": 1, "Arg2": []} formats as {Arg1=1, Arg2=[]}
    assert run("States.Format('fst={}', $.obj)") == "fst={Arg1=1, Arg2=[]}"


def test_format_prints_array_as_java_list():
    assert run("States.Format('{}', $.l)", data={"l": ["a", 1, None]}) == "[a, 1, null]"


def test_format_escaped_braces_are_not_placeholders():
    assert run(r"States.Format('\{\} {}', 'x')") == "{} x"


def test_format_template_from_a_path():
    assert run("States.Format($.template, $.name)") == "Hello, Arnav!"


def test_format_template_from_a_variable():
    assert run("States.Format($greeting, 'Bo')") == "Hi Bo"


def test_format_with_too_few_values_fails():
    err = failure("States.Format('{} {}', 'a')")
    assert err.error == "States.IntrinsicFailure"
    assert "2 placeholder(s)" in err.cause and "1 value(s)" in err.cause


def test_format_with_too_many_values_fails():
    assert failure("States.Format('{}', 'a', 'b')").error == "States.IntrinsicFailure"


def test_format_with_a_non_string_template_fails():
    assert "must be a string" in failure("States.Format($.n)").cause


# --- JSON manipulation ------------------------------------------------------------------------------

def test_string_to_json_parses_an_object():
    assert run("States.StringToJson($.s)", data={"s": '{"Arg1": 1, "Arg2": []}'}) == \
        {"Arg1": 1, "Arg2": []}


def test_string_to_json_of_a_json_string():
    assert run("States.StringToJson($.s)", data={"s": '"HelloWorld"'}) == "HelloWorld"


def test_string_to_json_of_blank_text_is_null():
    # recorded on AWS: "" and " " both give null
    assert run("States.StringToJson($.s)", data={"s": " "}) is None


def test_string_to_json_of_invalid_json_fails():
    assert failure("States.StringToJson($.s)", data={"s": "{nope"}).error == \
        "States.IntrinsicFailure"


def test_string_to_json_refuses_nan():
    assert failure("States.StringToJson($.s)", data={"s": "NaN"}).error == \
        "States.IntrinsicFailure"


def test_string_to_json_of_a_number_fails():
    assert "must be a string" in failure("States.StringToJson($.n)").cause


def test_json_to_string_is_compact():
    assert run("States.JsonToString($.v)", data={"v": [1, 2, "HelloWorld"]}) == \
        '[1,2,"HelloWorld"]'


def test_json_to_string_of_an_object():
    assert run("States.JsonToString($.obj)") == '{"Arg1":1,"Arg2":[]}'


def test_json_to_string_of_a_string_quotes_it():
    assert run("States.JsonToString($.name)") == '"Arnav"'


def test_json_to_string_keeps_unicode_and_escapes_control_characters():
    assert run("States.JsonToString($.v)", data={"v": "é\n\x01\""}) == '"é\\n\\u0001\\""'


def test_json_to_string_prints_floats_as_java():
    assert run("States.JsonToString($.v)", data={"v": [1.0, 1.1, 1e-5]}) == "[1.0,1.1,1.0E-5]"


def test_json_merge_is_shallow_and_the_second_object_wins():
    data = {"a": {"a": {"a1": 1}, "b": 2, "d": 3}, "b": {"a": {"a3": 1}, "c": 3, "d": 4}}
    assert run("States.JsonMerge($.a, $.b, false)", data=data) == \
        {"a": {"a3": 1}, "b": 2, "c": 3, "d": 4}


def test_json_merge_refuses_deep_merge():
    assert "must be false" in failure("States.JsonMerge($.obj, $.obj, true)").cause


def test_json_merge_needs_objects():
    assert "must be a JSON object" in failure("States.JsonMerge($.obj, $.items, false)").cause


# --- arrays -----------------------------------------------------------------------------------------

def test_array_keeps_argument_values():
    assert run("States.Array('Foo', 2020, $.obj, null)") == ["Foo", 2020, {"Arg1": 1, "Arg2": []}, None]


def test_array_partition_with_shorter_last_chunk():
    assert run("States.ArrayPartition($.v, 4)", data={"v": [1, 2, 3, 4, 5, 6, 7, 8, 9]}) == \
        [[1, 2, 3, 4], [5, 6, 7, 8], [9]]


def test_array_partition_of_empty_array():
    assert run("States.ArrayPartition($.v, 2)", data={"v": []}) == []


def test_array_partition_with_zero_chunk_fails():
    assert "positive integer" in failure("States.ArrayPartition($.items, 0)").cause


def test_array_partition_of_a_non_array_fails():
    assert "must be an array" in failure("States.ArrayPartition($.name, 1)").cause


def test_array_contains_compares_deeply():
    assert run("States.ArrayContains($.v, $.obj)", data={"v": [{"Arg2": [], "Arg1": 1}],
                                                       "obj": {"Arg1": 1, "Arg2": []}}) is True


def test_array_contains_false_when_absent():
    assert run("States.ArrayContains($.v, 4)", data={"v": [1, 2, 3]}) is False


def test_array_contains_does_not_confuse_true_and_one():
    assert run("States.ArrayContains($.v, true)", data={"v": [1]}) is False


def test_array_range_inclusive_of_the_end():
    assert run("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9]


def test_array_range_stops_before_passing_the_end():
    assert run("States.ArrayRange(0, 10, 3)") == [0, 3, 6, 9]


def test_array_range_with_negative_step():
    assert run("States.ArrayRange(5, 1, -2)") == [5, 3, 1]


def test_array_range_of_exactly_1000_items():
    assert len(run("States.ArrayRange(1, 1000, 1)")) == 1000


def test_array_range_over_1000_items_fails():
    assert "more than 1000 items" in failure("States.ArrayRange(0, 1000, 1)").cause


def test_array_range_with_zero_step_fails():
    assert "must not be 0" in failure("States.ArrayRange(0, 10, 0)").cause


def test_array_get_item():
    assert run("States.ArrayGetItem($.v, 5)", data={"v": [1, 2, 3, 4, 5, 6, 7, 8, 9]}) == 6


def test_array_get_item_out_of_bounds_fails():
    assert "out of bounds" in failure("States.ArrayGetItem($.items, 2)").cause


def test_array_length():
    assert run("States.ArrayLength($.items)") == 2


def test_array_unique_keeps_first_occurrences_in_order():
    data = {"v": [1, 2, 3, 3, 1, {"a": 1}, {"a": 1}, [None], [None], True, 1.0]}
    assert run("States.ArrayUnique($.v)", data=data) == [1, 2, 3, {"a": 1}, [None], True, 1.0]


# --- encoding, hashing ------------------------------------------------------------------------------

def test_base64_encode():
    assert run("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU="


def test_base64_encode_uses_utf8():
    assert run("States.Base64Encode('é')") == "w6k="


def test_base64_decode():
    assert run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode"


def test_base64_decode_without_padding():
    assert run("States.Base64Decode('w6k')") == "é"


def test_base64_decode_of_a_truncated_unit_fails():
    assert failure("States.Base64Decode('RGF0Y')").error == "States.IntrinsicFailure"


def test_base64_encode_over_10000_characters_fails():
    assert "10000 characters" in failure("States.Base64Encode($.s)", data={"s": "x" * 10001}).cause


def test_base64_encode_of_exactly_10000_characters():
    assert len(run("States.Base64Encode($.s)", data={"s": "x" * 10000})) == 13336


@pytest.mark.parametrize("algorithm, digest", [
    ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
    ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
])
def test_hash_algorithms(algorithm, digest):
    assert run(f"States.Hash('input data', '{algorithm}')") == digest


def test_hash_sha512():
    assert run("States.Hash('input data', 'SHA-512')") == (
        "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce"
        "2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")


def test_hash_with_unknown_algorithm_fails():
    assert "not supported" in failure("States.Hash('x', 'SHA-3')").cause


def test_hash_over_10000_characters_fails():
    assert failure("States.Hash($.s, 'MD5')", data={"s": "x" * 10001}).error == \
        "States.IntrinsicFailure"


# --- math -------------------------------------------------------------------------------------------

def test_math_add():
    assert run("States.MathAdd(111, -1)") == 110


def test_math_add_rounds_halves_up_as_java():
    # recorded: MathAdd(1.5, 1.51) = 4, MathAdd(-1.5, 0) = -1, MathAdd(-2.5, 0) = -2
    assert [run(f"States.MathAdd({a}, {b})") for a, b in
            [(1.5, 1.51), (-1.5, 0), (-2.5, 0), (2.5, 0), (-0.5, 0.5), (-1.51, 0)]] == \
        [4, -1, -2, 3, 1, -2]


def test_math_add_of_a_string_fails():
    assert "must be an integer" in failure("States.MathAdd('1', 2)").cause


def test_math_add_of_a_boolean_fails():
    assert failure("States.MathAdd(true, 2)").error == "States.IntrinsicFailure"


def test_math_random_is_within_start_inclusive_end_exclusive():
    env = make_env()
    values = {run("States.MathRandom(1, 4)", env=env) for _ in range(200)}
    assert values == {1, 2, 3}


def test_math_random_without_seed_repeats_with_the_execution_seed():
    assert run("States.MathRandom(0, 1000000)", env=make_env(7)) == \
        run("States.MathRandom(0, 1000000)", env=make_env(7))


def test_math_random_with_seed_ignores_the_execution_generator():
    assert run("States.MathRandom(0, 1000000, 3)", env=make_env(1)) == \
        run("States.MathRandom(0, 1000000, 3)", env=make_env(2))


def test_math_random_with_end_below_start_fails():
    assert failure("States.MathRandom(5, 1)").error == "States.IntrinsicFailure"


# --- strings, UUID ----------------------------------------------------------------------------------

def test_string_split():
    assert run("States.StringSplit('1,2,3,4,5', ',')") == ["1", "2", "3", "4", "5"]


def test_string_split_on_any_delimiter_character():
    assert run("States.StringSplit('This.is+a,test=string', '.+,=')") == \
        ["This", "is", "a", "test", "string"]


def test_string_split_drops_empty_pieces():
    # recorded: ", , ," gives [" ", " "] and ",,,," gives []
    assert run("States.StringSplit(', , ,', ',')") == [" ", " "]


def test_string_split_of_a_number_fails():
    assert "must be a string" in failure("States.StringSplit($.n, ',')").cause


def test_uuid_is_version_4():
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        run("States.UUID()"))


def test_uuid_is_drawn_from_the_execution_seed():
    assert run("States.UUID()", env=make_env(0)) == "e3e70682-c209-4cac-a29f-6fbed82c07cd"


# --- run-time path errors ---------------------------------------------------------------------------

def test_missing_path_argument_is_a_runtime_error():
    err = failure("States.Array($.missing)", data={"a": 1})
    assert err.error == "States.Runtime"
    assert err.cause == "The JSONPath '$.missing' could not be found in the input '{\"a\":1}'"
    assert err.prefix_state is True


def test_missing_path_argument_names_the_field_when_known():
    with pytest.raises(StatesError) as info:
        resolve(compile_intrinsic("States.Array($.missing)", field="x.$"), {}, make_env())
    assert info.value.cause == \
        "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{}'"


def test_undefined_variable_is_a_runtime_error():
    assert failure("States.Array($nope)").error == "States.Runtime"


def test_intrinsic_failure_is_not_state_prefixed():
    assert failure("States.ArrayLength($.name)").prefix_state is False


# --- Java number printing ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (0, "0"), (12345678901234567890, "12345678901234567890"), (0.0, "0.0"), (-0.0, "-0.0"),
    (100.0, "100.0"), (0.001, "0.001"), (0.0001, "1.0E-4"), (9999999.0, "9999999.0"),
    (12345678.0, "1.2345678E7"), (-1.5e300, "-1.5E300"),
])
def test_java_number(value, text):
    assert java_number(value) == text
