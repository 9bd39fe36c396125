"""Field compilers shared by the state parsers: unknown-field checks, paths, templates, numbers.

Each raises DefinitionError naming the field; ``parse`` and ``distributed_map`` add the state.
"""
from __future__ import annotations

from ..errors import DefinitionError
from ..query.jsonpath import compile_path, compile_reference_path
from ..query.templates import compile_jsonata_template, compile_template, is_expression
from .acceptance import OTHER_LANGUAGE_FIELDS, other_language_hint
from .limits import MAX_SECONDS as MAX_TIMEOUT  # the largest seconds/count in most integer fields
from .model import JSONATA, NULL_PATH


def no_unknown_fields(body: dict, allowed: set, language: str | None, what: str):
    """Refuse the first field not in ``allowed`` (AWS's schema), naming it and the language, and
    a Comment that is not a string."""
    if "Comment" in allowed:
        check_comment(body)
    extra = [k for k in body if k not in allowed]
    if extra:
        hint = ""
        if language == JSONATA and extra[0] in OTHER_LANGUAGE_FIELDS:
            hint = f" ({other_language_hint(language, body.get('Type'), extra[0])})"
        raise DefinitionError(f"field '{extra[0]}' is not supported in {what}"
                              f"{' using ' + language if language else ''}{hint}", field=extra[0])


def check_comment(body: dict, where: str = ""):
    """Every Comment in ASL is a string (the report and the graph print it)."""
    if "Comment" in body and not isinstance(body["Comment"], str):
        raise DefinitionError(f"Comment must be a string, not {type(body['Comment']).__name__}",
                              field=f"{where}.Comment" if where else "Comment")


def compile_path_field(value, field_name):
    """A JSONPath field (InputPath, ItemsPath, *Path), located at ``field_name`` on error."""
    try:
        return compile_path(value)
    except DefinitionError as err:
        raise err.located(field=field_name) from None


def compile_path_or_null(value, field_name):
    """InputPath/OutputPath: null means 'discard', anything else is a JSONPath."""
    return NULL_PATH if value is None else compile_path_field(value, field_name)


def compile_result_path(body):
    """ResultPath: absent -> None, null -> discard the result, else a reference path."""
    if "ResultPath" not in body:
        return None
    value = body["ResultPath"]
    if value is None:
        return NULL_PATH
    try:
        return compile_reference_path(value)
    except DefinitionError as err:
        raise err.located(field="ResultPath") from None


def compile_optional_template(body, field_name):
    """A JSONPath payload template (Parameters, ResultSelector, ...), or None when absent."""
    if field_name not in body:
        return None
    return compile_template(body[field_name], field_name)


def check_positive_int(value, state, field_name, *, allow_zero):
    """An integer from 1 (0 when ``allow_zero``) to MAX_TIMEOUT, returned unchanged."""
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_TIMEOUT:
        raise DefinitionError(f"{field_name} must be an integer from {low} to {MAX_TIMEOUT}, "
                              f"not {value!r}", state=state, field=field_name)
    return value


def compile_seconds_field(body, name, language):
    """TimeoutSeconds/HeartbeatSeconds: a number, a JSONata expression, or the *Path twin."""
    if name in body and f"{name}Path" in body:
        raise DefinitionError(f"{name} and {name}Path are mutually exclusive", field=name)
    if name in body:
        value = body[name]
        if language == JSONATA and is_expression(value):
            return jsonata_template(value, name)
        return check_positive_int(value, None, name, allow_zero=False)
    if f"{name}Path" in body:
        return compile_path_field(body[f"{name}Path"], f"{name}Path")
    return None


def compile_count_field(body, name, language, *, low, high, number=False, default=None, where=""):
    """A number field with its ``*Path`` twin (JSONPath) or a JSONata expression in its place."""
    label = f"{where}{name}"
    if f"{name}Path" in body:
        if language == JSONATA:
            raise DefinitionError(f"{name}Path is not supported in JSONata states; give {name} a "
                                  "JSONata expression instead", field=f"{label}Path")
        if name in body:
            raise DefinitionError(f"{name} and {name}Path are mutually exclusive", field=label)
        return compile_path_field(body[f"{name}Path"], f"{label}Path")
    if name not in body:
        return default
    value = body[name]
    if language == JSONATA and is_expression(value):
        return jsonata_template(value, label)
    kinds = (int, float) if number else int
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        kind = "a number" if number else "an integer"
        raise DefinitionError(f"{name} must be {kind} from {low} to {high}, not {value!r}", field=label)
    return value


def jsonata_template(source, field_name):
    """Compile a JSONata-mode value: ``{% %}`` strings anywhere inside are expressions."""
    return compile_jsonata_template(source, field_name)
