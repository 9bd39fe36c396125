"""Reading a definition: a file (JSON or YAML), a dict, or JSON/YAML text."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from .. import jsonvalues
from ..errors import DefinitionError


def read_definition(source: Any) -> tuple[dict, str | None]:
    """Returns (definition dict, file name or None)."""
    if isinstance(source, dict):
        return source, None
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DefinitionError("no such file", file=str(path)) from None
        except (OSError, UnicodeDecodeError) as err:
            raise DefinitionError(f"cannot read the file: {err}", file=str(path)) from None
        return parse_text(text, str(path)), str(path)
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as err:
            raise DefinitionError(f"the definition is not UTF-8 text: {err.reason} at byte "
                                  f"{err.start}") from None
    if isinstance(source, str):
        return parse_text(source, None), None
    raise DefinitionError(f"cannot load a definition from a {type(source).__name__}")


def _looks_like_path(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped[0] in "{[" or "\n" in stripped:
        return False
    return True


def parse_text(text: str, file: str | None) -> dict:
    stripped = text.lstrip()
    if stripped.startswith("{") and (file is None or not file.endswith((".yaml", ".yml"))):
        try:
            value = jsonvalues.parse(text)   # parse_machine checks the values, naming the state
        except json.JSONDecodeError as err:
            raise DefinitionError(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}",
                                  file=file) from None
        except jsonvalues.NotJSON as err:
            raise DefinitionError(f"not valid JSON: {err}", file=file) from None
    else:
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or str(err)
            raise DefinitionError(f"not valid YAML: {problem}{where}", file=file) from None
        except (ValueError, RecursionError) as err:   # a number too long for Python, deep nesting
            raise DefinitionError(f"not valid YAML: {err}", file=file) from None
    if not isinstance(value, dict):
        raise DefinitionError("a state machine definition must be a JSON object", file=file)
    return value
