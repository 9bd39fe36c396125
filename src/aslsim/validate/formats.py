"""Writing results: ``text`` (compiler style), ``json``, ``sarif`` (2.1.0, for code scanning) and
``github`` (workflow commands that annotate a pull request)."""
from __future__ import annotations

import json

from .diagnostics import FileResult
from .rules import RULES


def _all(results: list[FileResult]):
    for result in results:
        for diagnostic in result.diagnostics:
            yield result, diagnostic


def summary(results: list[FileResult]) -> dict:
    errors = sum(1 for _, d in _all(results) if d.severity == "error")
    warnings = sum(1 for _, d in _all(results) if d.severity == "warning")
    return {"checked": len(results), "errors": errors, "warnings": warnings,
            "unreadable": sum(1 for r in results if r.error is not None),
            "files_with_errors": sum(1 for r in results if r.errors or r.error is not None)}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        if result.error is not None and not result.diagnostics:
            lines.append(f"{result.file}: error ASL001 {result.error}")
        for d in result.diagnostics:
            where = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
            state = f" [State \"{d.state}\"]" if d.state is not None else ""
            lines.append(f"{where}: {d.severity} {d.code}{state} {d.message}")
            if d.hint:
                lines.append(f"    hint: {d.hint}")
    s = summary(results)
    found = (f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}"
             if s["errors"] or s["warnings"] else "no problems")
    unreadable = f", {s['unreadable']} unreadable" if s["unreadable"] else ""
    lines.append(f"{_plural(s['checked'], 'state machine')} checked: {found}{unreadable}")
    return "\n".join(lines)


def as_json(results: list[FileResult]) -> str:
    return json.dumps({"files": [{"file": r.file, "error": r.error,
                                  "diagnostics": [d.to_dict() for d in r.diagnostics]}
                                 for r in results],
                       "summary": summary(results)}, indent=2, ensure_ascii=False)


def sarif(results: list[FileResult], version: str = "0") -> str:
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [{"id": code, "name": RULES[code].title.title().replace(" ", "").replace("/", ""),
              "shortDescription": {"text": RULES[code].title},
              "fullDescription": {"text": RULES[code].help},
              "help": {"text": RULES[code].help,
                       "markdown": f"**{code}** {RULES[code].title}: {RULES[code].help} "
                                   f"See docs/validate.md#{code.lower()}."},
              "defaultConfiguration": {"level": RULES[code].severity}}
             for code in codes]
    out = []
    for result, d in _all(results):
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(d.file)}}}
        if d.line:
            location["physicalLocation"]["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        if d.pointer or d.state:
            location["logicalLocations"] = [{"fullyQualifiedName": f"{result.file}{d.pointer}",
                                             "name": d.state or d.pointer, "kind": "object"}]
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        out.append({"ruleId": d.code, "ruleIndex": index[d.code], "level": d.severity,
                    "message": {"text": message}, "locations": [location]})
    for result in results:
        if result.error is not None and not result.diagnostics:
            out.append({"ruleId": "ASL001", "ruleIndex": index["ASL001"], "level": "error",
                        "message": {"text": result.error},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(result.file)}}}]})
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
                "runs": [{"tool": {"driver": {"name": "aslsim-validate", "version": version,
                                              "informationUri": "https://github.com/aslsim/aslsim",
                                              "rules": rules}},
                          "results": out}]}
    return json.dumps(document, indent=2, ensure_ascii=False)


def _uri(file: str) -> str:
    return file.replace("\\", "/")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        if result.error is not None and not result.diagnostics:
            lines.append(f"::error file={_escape_property(result.file)},title=ASL001::"
                         f"{_escape_data(result.error)}")
        for d in result.diagnostics:
            level = "error" if d.severity == "error" else "warning"
            where = f"file={_escape_property(d.file)}"
            if d.line:
                where += f",line={d.line},col={max(d.column, 1)}"
            state = f"[State \"{d.state}\"] " if d.state is not None else ""
            hint = f" (hint: {d.hint})" if d.hint else ""
            lines.append(f"::{level} {where},title={d.code}::{_escape_data(state + d.message + hint)}")
    return "\n".join(lines)


def render(results: list[FileResult], form: str, version: str = "0") -> str:
    if form == "json":
        return as_json(results)
    if form == "sarif":
        return sarif(results, version)
    if form == "github":
        return github(results)
    return text(results)

