"""A definition written as text: a plain ``.asl.json`` / ``.asl.yaml`` file, or the text a
template points to (DefinitionUri, DefinitionString, ``templatefile``). Placeholders are replaced
before the text is parsed, as every deployment tool does, and positions lead back to the text the
author wrote."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .model import MachineSource
from .placeholders import PLACEHOLDER, Substituted, stand_in, substitute
from .text import LineIndex, Locator, is_json_text, load_text

Position = Callable[[int], "tuple[int, int]"]


def parse_definition_text(text: str, file: str, values: Mapping[str, Any], *,
                          known: Callable[[str], bool] = lambda name: False,
                          position: Position | None = None, pattern=PLACEHOLDER,
                          choose=stand_in) -> tuple[Any, Locator, Substituted]:
    """(definition, locator, substitution) of a definition's text; raises SourceError.

    ``position`` maps an offset in ``text`` to (line, column) in ``file`` (default: ``text`` is
    the file's own text)."""
    done = substitute(text, {k: _as_text(v) for k, v in values.items()},
                      json_text=is_json_text(text, file), known=known, pattern=pattern,
                      choose=choose)
    to_line_col = position
    if done.spans:
        original = position or LineIndex(text).line_col
        to_line_col = lambda offset: original(done.original_offset(offset))   # noqa: E731
    definition, locator = load_text(done.text, file, to_line_col)
    return definition, locator, done


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plain_machine(text: str, file: str | None, name: str, values: Mapping[str, Any],
                  *, kind: str = "definition") -> MachineSource:
    """A definition file on its own: placeholders get ``values`` or stand-ins (each one noted)."""
    shown = file or "<string>"
    definition, locator, done = parse_definition_text(text, shown, values)
    machine = MachineSource(name, file, kind, definition=definition, locator=locator,
                            substitutions=done.used)
    index = LineIndex(text)
    for placeholder, offset in done.unresolved:
        if done.used.get(placeholder, "").startswith("${"):
            continue                  # kept as written: AWS would read that text as it is
        line, column = index.line_col(offset)
        machine.note(f"'${{{placeholder}}}' is a template placeholder: this field is checked with "
                     f"the stand-in {done.used.get(placeholder)!s}",
                     hint="give its value with --sub NAME=VALUE, or validate the template that "
                          "uses this file", at=(shown, line, column))
    return machine
