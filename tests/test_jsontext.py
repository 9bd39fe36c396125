"""jsontext writes every JSON value exactly as Python's json does (compact, not ASCII-escaped),
although orjson, which writes most of them, formats a few numbers its own way."""
from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given, settings, strategies as st

from aslsim import jsontext


def python_text(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


numbers = st.one_of(
    st.integers(min_value=-(2 ** 200), max_value=2 ** 200),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False),   # where orjson differs
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30)


@settings(max_examples=3000, deadline=None)
@given(values)
def test_any_value_is_written_as_python_writes_it(value):
    assert jsontext.text(value) == python_text(value)
    assert jsontext.size(value) == len(python_text(value).encode("utf-8"))


@pytest.mark.parametrize("number", [1e-05, 9.5e-05, -2.8e-05, 1e-07, -1.25e-300, 5e-324, 0.0001,
                                    1e16, 1.5e+300, -0.0, 2 ** 64 - 1, 2 ** 64, -(2 ** 63) - 1])
def test_the_numbers_orjson_formats_otherwise_or_refuses(number):
    assert jsontext.text({"n": [number]}) == python_text({"n": [number]})


def test_every_float_bit_pattern_sampled_agrees():
    for bits in range(0, 2 ** 64, 2 ** 64 // 20011):
        number = struct.unpack("d", struct.pack("Q", bits))[0]
        if number == number and abs(number) != float("inf"):
            assert jsontext.text(number) == python_text(number), number


def test_text_orjson_refuses_is_still_written():
    deep = []
    for _ in range(300):          # deeper than orjson's 255 levels
        deep = [deep]
    assert jsontext.text(deep) == python_text(deep)
    assert jsontext.text("\ud800") == python_text("\ud800")


def test_strings_keep_their_characters_and_escapes():
    value = {"é\u2028": "tab\t quote\" back\\ nul\x00 del\x7f emoji \U0001f600"}
    assert jsontext.text(value) == python_text(value)
    assert jsontext.size(value) == len(python_text(value).encode("utf-8"))
