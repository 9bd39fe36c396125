"""pytest plugin: workflow coverage (--aslsim-cov).

Every execution a test runs (child executions included) is recorded against the universe of
items its definition declares, in five categories:

- ``states``: every state, nested Parallel branches and Map processors included;
- ``transitions``: every distinct edge ``from -> to`` that a Next, a Choice rule's Next, a
  Default, a Catch's Next or ``End: true`` declares (``to`` is ``None`` for End);
- ``rules``: every Choice rule and every Choice Default;
- ``retries``: every Retry handler (hit each time it schedules a new attempt);
- ``catches``: every Catch handler.

An item is covered when it was exercised at least once. **Total coverage** is covered items over
all items, summed over the five categories and over every reported machine (item-weighted, not
an average of percentages).

Machines are keyed by their file path (relative to the rootdir when inside it) or, when loaded
from a dict or text, by their name. Two different definitions under the same key are told apart
by a fingerprint of the definition. By default the report shows the project's machines: files
under the rootdir and named inline definitions. Inline definitions with no name
(``aslsim.load(dict)``, named "StateMachine") and files outside the rootdir (the temporary files
tests write) are left out unless ``--aslsim-cov-all`` is given or a ``--aslsim-cov-source`` glob
names them.

Under pytest-xdist each worker sends its data to the controller (``workeroutput``), which merges
it: the report equals a serial run's. Reports of separate runs (shards, CI machines) merge with
``python -m aslsim.testing.coverage merge a.json b.json -o total.json``.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import html
import json
import os
import sys
import weakref
from pathlib import Path

import pytest

from ..observers import add_observer, remove_observer

FORMAT = "aslsim-coverage/1"
CATEGORIES = ("states", "transitions", "rules", "retries", "catches")
TITLES = {"states": "States", "transitions": "Transitions", "rules": "Choice rules",
          "retries": "Retries", "catches": "Catches"}
# the fields that identify an item within its category (the rest describe it)
IDENTITY = {"states": ("state",), "transitions": ("from", "to"), "rules": ("state", "rule"),
            "retries": ("state", "retrier"), "catches": ("state", "catcher")}
ANONYMOUS_NAME = "StateMachine"     # aslsim.load's name for a definition given no file or name
_REPORTED_KINDS = ("file", "inline")
_KIND_WORDS = {"anonymous": "inline definition(s) with no file and no name",
               "outside": "file(s) outside the rootdir", "file": "file(s)",
               "inline": "named inline definition(s)"}
_WORKER_KEY = "aslsim_coverage"


# -- the universe of a definition ------------------------------------------------------------------

def _walk_states(graph: dict):
    """(name, body) of every state, nested branches and Map processors right after their parent."""
    for name, body in (graph.get("States") or {}).items():
        if not isinstance(body, dict):
            continue
        yield name, body
        if body.get("Type") == "Parallel":
            for branch in body.get("Branches") or []:
                yield from _walk_states(branch)
        elif body.get("Type") == "Map":
            processor = body.get("ItemProcessor") or body.get("Iterator")
            if isinstance(processor, dict):
                yield from _walk_states(processor)


def _errors(handler: dict) -> list:
    return list(handler.get("ErrorEquals") or [])


def describe_rule(rule: dict, limit: int = 60) -> str:
    """A short readable form of a Choice rule's condition."""
    if "Condition" in rule:
        text = str(rule["Condition"])
    else:
        text = _describe_condition(rule)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_condition(rule: dict) -> str:
    for combinator in ("And", "Or"):
        if combinator in rule:
            parts = [_describe_condition(r) for r in rule[combinator] if isinstance(r, dict)]
            return f"{combinator}(" + ", ".join(parts) + ")"
    if isinstance(rule.get("Not"), dict):
        return "Not(" + _describe_condition(rule["Not"]) + ")"
    skip = {"Variable", "Next", "Assign", "Output", "Comment"}
    for field, value in rule.items():
        if field not in skip:
            return f"{rule.get('Variable', '?')} {field} {json.dumps(value)}"
    return "?"


def universe(definition: dict) -> dict[str, list[dict]]:
    """Every item a definition declares, by category, in definition order, with zero hits."""
    items: dict[str, list[dict]] = {category: [] for category in CATEGORIES}
    for name, body in _walk_states(definition):
        items["states"].append({"state": name, "type": body.get("Type"), "hits": 0})
        edges: dict = {}          # (to) -> the fields declaring it; one item per distinct edge

        def edge(to, via):
            edges.setdefault(to, []).append(via)
        if body.get("Type") == "Choice":
            for index, rule in enumerate(body.get("Choices") or []):
                edge(rule.get("Next"), f"Choices[{index}]")
                items["rules"].append({"state": name, "rule": index, "next": rule.get("Next"),
                                       "condition": describe_rule(rule), "hits": 0})
            if "Default" in body:
                edge(body["Default"], "Default")
                items["rules"].append({"state": name, "rule": "Default", "next": body["Default"],
                                       "condition": None, "hits": 0})
        elif "Next" in body:
            edge(body["Next"], "Next")
        elif body.get("End") is True:
            edge(None, "End")
        for index, retrier in enumerate(body.get("Retry") or []):
            items["retries"].append({"state": name, "retrier": index, "errors": _errors(retrier),
                                     "hits": 0})
        for index, catcher in enumerate(body.get("Catch") or []):
            edge(catcher.get("Next"), f"Catch[{index}]")
            items["catches"].append({"state": name, "catcher": index, "errors": _errors(catcher),
                                     "next": catcher.get("Next"), "hits": 0})
        for to, via in edges.items():
            items["transitions"].append({"from": name, "to": to, "via": via, "hits": 0})
    return items


def fingerprint(definition: dict) -> str:
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _identity(category: str, item: dict) -> tuple:
    return tuple(item[field] for field in IDENTITY[category])


# -- coverage of one machine -----------------------------------------------------------------------

class MachineCoverage:
    """The items of one definition and how often the executions recorded exercised each."""

    def __init__(self, key: str, kind: str, fingerprint: str, items: dict, executions: int = 0):
        self.key = key
        # "file" (under the rootdir), "outside" (a file elsewhere), "inline" (a named dict or
        # text) or "anonymous" (a dict or text loaded with no name)
        self.kind = kind
        self.fingerprint = fingerprint
        self.items = items
        self.executions = executions
        self._index = {(category, _identity(category, item)): item
                       for category in CATEGORIES for item in items[category]}

    def record(self, execution) -> None:
        self.executions += 1
        for state in execution.flat_path():
            self._hit("states", (state,))
        for kind, state, detail in execution.trace:
            if kind == "transition":
                # a Succeed state's exit is no declared edge: _hit ignores it
                self._hit("transitions", (state, detail))
            elif kind == "rule":
                self._hit("rules", (state, detail))
            elif kind == "retry":
                self._hit("retries", (state, detail))
            elif kind == "catch":
                self._hit("catches", (state, detail))

    def _hit(self, category: str, identity: tuple) -> None:
        item = self._index.get((category, identity))
        if item is not None:
            item["hits"] += 1

    def merge(self, other: MachineCoverage) -> None:
        self.executions += other.executions
        for category in CATEGORIES:
            for item in other.items[category]:
                self._hit_by(category, _identity(category, item), item["hits"])

    def _hit_by(self, category: str, identity: tuple, hits: int) -> None:
        item = self._index.get((category, identity))
        if item is not None:
            item["hits"] += hits

    def counts(self) -> dict[str, tuple[int, int]]:
        """(covered, total) by category."""
        return {category: (sum(1 for item in self.items[category] if item["hits"]),
                           len(self.items[category])) for category in CATEGORIES}

    def to_json(self, label: str) -> dict:
        counts = self.counts()
        return {"key": self.key, "label": label, "kind": self.kind,
                "fingerprint": self.fingerprint, "executions": self.executions,
                "summary": _summary(counts), "items": self.items}

    @classmethod
    def from_json(cls, data: dict) -> MachineCoverage:
        items = {category: [dict(item) for item in data["items"].get(category, [])]
                 for category in CATEGORIES}
        return cls(data["key"], data.get("kind", "file"), data["fingerprint"], items,
                   data.get("executions", 0))


def _percent(covered: int, total: int) -> float | None:
    return round(100.0 * covered / total, 2) if total else None


def _summary(counts: dict[str, tuple[int, int]]) -> dict:
    out = {category: {"covered": c, "total": t, "percent": _percent(c, t)}
           for category, (c, t) in counts.items()}
    covered = sum(c for c, _ in counts.values())
    total = sum(t for _, t in counts.values())
    out["total"] = {"covered": covered, "total": total, "percent": _percent(covered, total)}
    return out


# -- a set of machines -----------------------------------------------------------------------------

class CoverageData:
    """Coverage by (key, fingerprint): recorded in a session, merged from workers or files."""

    def __init__(self):
        self.machines: dict[tuple[str, str], MachineCoverage] = {}

    def machine(self, key: str, kind: str, definition: dict) -> MachineCoverage:
        digest = fingerprint(definition)
        found = self.machines.get((key, digest))
        if found is None:
            found = self.machines[(key, digest)] = MachineCoverage(key, kind, digest, universe(definition))
        return found

    def add(self, machine: MachineCoverage) -> None:
        found = self.machines.get((machine.key, machine.fingerprint))
        if found is None:
            self.machines[(machine.key, machine.fingerprint)] = MachineCoverage.from_json(
                machine.to_json(machine.key))     # a private copy
        else:
            found.merge(machine)

    def update(self, other: CoverageData) -> None:
        for machine in other.machines.values():
            self.add(machine)

    def select(self, patterns=(), everything: bool = False) -> CoverageData:
        """The machines a report shows.

        With patterns, those whose key matches one (anonymous ones only with ``everything``);
        without, files under the rootdir and named inline definitions (all with ``everything``).
        """
        chosen = CoverageData()
        for pair, machine in self.machines.items():
            if patterns:
                keep = (any(fnmatch.fnmatchcase(machine.key, p) for p in patterns)
                        and (machine.kind != "anonymous" or everything))
            else:
                keep = everything or machine.kind in _REPORTED_KINDS
            if keep:
                chosen.machines[pair] = machine
        return chosen

    def left_out(self, shown: CoverageData) -> dict[str, int]:
        """How many machines of each kind ``shown`` leaves out."""
        out: dict[str, int] = {}
        for pair, machine in self.machines.items():
            if pair not in shown.machines:
                out[machine.kind] = out.get(machine.kind, 0) + 1
        return out

    def labelled(self) -> list[tuple[str, MachineCoverage]]:
        """(label, machine) sorted by label; a key shared by two definitions gets a fingerprint."""
        keys: dict[str, int] = {}
        for key, _ in self.machines:
            keys[key] = keys.get(key, 0) + 1
        out = [(key if keys[key] == 1 else f"{key} [{digest[:8]}]", machine)
               for (key, digest), machine in self.machines.items()]
        return sorted(out, key=lambda pair: pair[0])

    def counts(self) -> dict[str, tuple[int, int]]:
        totals = {category: [0, 0] for category in CATEGORIES}
        for machine in self.machines.values():
            for category, (covered, total) in machine.counts().items():
                totals[category][0] += covered
                totals[category][1] += total
        return {category: (c, t) for category, (c, t) in totals.items()}

    def total_percent(self) -> float | None:
        """Covered items / all items over the five categories and every machine, unrounded."""
        counts = self.counts()
        total = sum(t for _, t in counts.values())
        return 100.0 * sum(c for c, _ in counts.values()) / total if total else None

    def to_json(self) -> dict:
        return {"format": FORMAT, "summary": _summary(self.counts()),
                "machines": [machine.to_json(label) for label, machine in self.labelled()]}

    @classmethod
    def from_json(cls, data: dict) -> CoverageData:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an aslsim coverage report (format {data.get('format')!r}, "
                             f"expected {FORMAT!r})")
        out = cls()
        for machine in data.get("machines", []):
            out.add(MachineCoverage.from_json(machine))
        return out


# -- what never happened, in words -----------------------------------------------------------------

def describe_missing(category: str, item: dict) -> str:
    if category == "states":
        return f"never entered: '{item['state']}' ({item['type']})"
    if category == "transitions":
        to = "(end)" if item["to"] is None else f"'{item['to']}'"
        return f"never taken: '{item['from']}' -> {to} ({', '.join(item['via'])})"
    if category == "rules":
        if item["rule"] == "Default":
            return f"never taken: Default of '{item['state']}' (-> {item['next']})"
        return (f"never taken: Choices[{item['rule']}] of '{item['state']}' "
                f"({item['condition']} -> {item['next']})")
    if category == "retries":
        return (f"never taken: Retry[{item['retrier']}] of '{item['state']}' "
                f"({', '.join(item['errors'])})")
    return (f"never taken: Catch[{item['catcher']}] of '{item['state']}' "
            f"({', '.join(item['errors'])} -> {item['next']})")


def missing(machine: MachineCoverage) -> list[str]:
    return [describe_missing(category, item)
            for category in CATEGORIES for item in machine.items[category] if not item["hits"]]


# -- reports ---------------------------------------------------------------------------------------

def _cell(covered: int, total: int) -> str:
    return f"{covered}/{total} {100.0 * covered / total:.0f}%" if total else "-"


def format_total(percent: float | None) -> str:
    return "n/a" if percent is None else f"{percent:.1f}%"


def text_report(data: CoverageData, left_out: dict[str, int] | None = None) -> list[str]:
    """The terminal report: a table, then every item never exercised."""
    header = ["Machine", "Runs"] + [TITLES[c] for c in CATEGORIES] + ["Total"]
    rows = []
    for label, machine in data.labelled():
        counts = machine.counts()
        covered = sum(c for c, _ in counts.values())
        total = sum(t for _, t in counts.values())
        rows.append([label, str(machine.executions)] + [_cell(*counts[c]) for c in CATEGORIES]
                    + [f"{covered}/{total} {format_total(_percent(covered, total))}"])
    counts = data.counts()
    covered = sum(c for c, _ in counts.values())
    total = sum(t for _, t in counts.values())
    runs = sum(m.executions for m in data.machines.values())
    rows.append(["TOTAL", str(runs)] + [_cell(*counts[c]) for c in CATEGORIES]
                + [f"{covered}/{total} {format_total(data.total_percent())}"])
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]

    def line(row):
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
    lines = [line(header)] + [line(row) for row in rows[:-1]]
    lines += ["-" * len(line(header)), line(rows[-1])]
    if left_out:
        words = ", ".join(f"{n} {_KIND_WORDS[kind]}" for kind, n in sorted(left_out.items()))
        lines.append(f"(left out: {words}; --aslsim-cov-all reports them)")
    gaps = [(label, missing(machine)) for label, machine in data.labelled()]
    gaps = [(label, items) for label, items in gaps if items]
    if gaps:
        lines += ["", "Never exercised:"]
        for label, items in gaps:
            lines.append(f"  {label}")
            lines += [f"    {text}" for text in items]
    return lines


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}
.miss{background:#fde2e2}.hit{background:#e3f6e3}
h2{font-size:1.1em;margin-top:2em}code{font-size:.95em}
"""


def html_report(data: CoverageData) -> str:
    """A self-contained page (no script, no network): the table, then each machine's items."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in
                   ["Machine", "Runs"] + [TITLES[c] for c in CATEGORIES] + ["Total"])
    body_rows = []
    for number, (label, machine) in enumerate(data.labelled()):
        counts = machine.counts()
        summary = _summary(counts)["total"]
        cells = "".join(f"<td>{esc(_cell(*counts[c]))}</td>" for c in CATEGORIES)
        body_rows.append(f"<tr><td><a href='#m{number}'>{esc(label)}</a></td>"
                         f"<td>{machine.executions}</td>{cells}<td>{summary['covered']}/"
                         f"{summary['total']} {esc(format_total(summary['percent']))}</td></tr>")
    counts = data.counts()
    total_cells = "".join(f"<td>{esc(_cell(*counts[c]))}</td>" for c in CATEGORIES)
    body_rows.append(f"<tr><th>TOTAL</th><td></td>{total_cells}"
                     f"<th>{esc(format_total(data.total_percent()))}</th></tr>")
    sections = []
    for number, (label, machine) in enumerate(data.labelled()):
        parts = [f"<h2 id='m{number}'>{esc(label)}</h2>"]
        for category in CATEGORIES:
            if not machine.items[category]:
                continue
            rows = "".join(
                f"<tr class='{'hit' if item['hits'] else 'miss'}'><td><code>"
                f"{esc(_item_text(category, item))}</code></td><td>{item['hits']}</td></tr>"
                for item in machine.items[category])
            parts.append(f"<table><tr><th>{TITLES[category]}</th><th>Hits</th></tr>{rows}</table>")
        sections.append("".join(parts))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>aslsim workflow coverage"
            f"</title><style>{_CSS}</style></head><body><h1>aslsim workflow coverage</h1>"
            f"<p>Total: covered items / all items over states, transitions, Choice rules, retries "
            f"and catches.</p><table><tr>{head}</tr>{''.join(body_rows)}</table>"
            f"{''.join(sections)}</body></html>\n")


def _item_text(category: str, item: dict) -> str:
    text = describe_missing(category, item)
    return text.split(": ", 1)[1]


def write_json(data: CoverageData, path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data.to_json(), indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def write_html(data: CoverageData, path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(html_report(data), encoding="utf-8")


def fail_under_message(data: CoverageData, threshold: float) -> str | None:
    """Why the run fails --aslsim-cov-fail-under, or None when it passes."""
    percent = data.total_percent()
    if percent is None:
        return (f"aslsim workflow coverage: no state machine was reported, so the total cannot "
                f"reach --aslsim-cov-fail-under={threshold:g}")
    if percent < threshold:
        counts = data.counts()
        covered = sum(c for c, _ in counts.values())
        total = sum(t for _, t in counts.values())
        return (f"FAIL: aslsim workflow coverage {percent:.2f}% ({covered} of {total} items) is "
                f"below --aslsim-cov-fail-under={threshold:g}")
    return None


# -- the pytest plugin -----------------------------------------------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("aslsim-cov", "aslsim workflow coverage")
    group.addoption("--aslsim-cov", action="store_true", default=False,
                    help="report which states, transitions, Choice rules, retries and catches of "
                         "the state machines the tests ran were exercised")
    group.addoption("--aslsim-cov-json", metavar="PATH", default=None,
                    help="also write the coverage as JSON (implies --aslsim-cov)")
    group.addoption("--aslsim-cov-html", metavar="PATH", default=None,
                    help="also write a self-contained HTML page (implies --aslsim-cov)")
    group.addoption("--aslsim-cov-fail-under", metavar="N", type=float, default=None,
                    help="fail the run when total workflow coverage is below N percent "
                         "(implies --aslsim-cov)")
    group.addoption("--aslsim-cov-source", metavar="GLOB", action="append", default=[],
                    help="report only machines whose key (file path relative to the rootdir, or "
                         "name) matches GLOB; matching files never run count at 0%% (repeatable; "
                         "implies --aslsim-cov)")
    group.addoption("--aslsim-cov-all", action="store_true", default=False,
                    help="also report inline definitions loaded with no name and files outside "
                         "the rootdir (left out by default)")


class _Session:
    """One pytest session's coverage: what its tests ran, and what its workers sent."""

    def __init__(self, config):
        self.config = config
        self.data = CoverageData()
        self.rootdir = str(config.rootpath)
        self._keys = weakref.WeakKeyDictionary()   # machine -> its MachineCoverage
        self.failure: str | None = None
        self.report: CoverageData | None = None
        self.left_out: dict[str, int] = {}

    def record(self, machine, execution) -> None:
        # the fingerprint costs a JSON dump of the definition: once per machine object
        coverage = self._keys.get(machine)
        if coverage is None:
            key, kind = self.key(machine)
            coverage = self._keys[machine] = self.data.machine(key, kind, machine.definition)
        coverage.record(execution)

    def key(self, machine) -> tuple[str, str]:
        if machine.file:
            key = self.relative(machine.file)
            return key, "outside" if os.path.isabs(key) else "file"
        if machine.name == ANONYMOUS_NAME:
            return machine.name, "anonymous"
        return machine.name, "inline"

    def relative(self, file: str) -> str:
        """The path relative to the rootdir when inside it, else absolute (posix slashes)."""
        absolute = os.path.abspath(file)
        try:
            relative = os.path.relpath(absolute, self.rootdir)
        except ValueError:           # another drive on Windows
            return Path(absolute).as_posix()
        return Path(absolute if relative.startswith("..") else relative).as_posix()

    def patterns(self, globs) -> list[str]:
        """The --aslsim-cov-source globs as given and made absolute (for files outside)."""
        return list(globs) + [Path(os.path.abspath(os.path.join(self.rootdir, g))).as_posix()
                              for g in globs]

    def sources(self, patterns) -> CoverageData:
        """Files under the rootdir matching the --aslsim-cov-source globs, at zero hits."""
        from ..machine import load
        out = CoverageData()
        for pattern in patterns:
            for path in sorted(Path(self.rootdir).glob(pattern)):
                if not path.is_file():
                    continue
                try:
                    machine = load(str(path))
                except Exception:     # not a definition: nothing to cover
                    continue
                key = self.relative(str(path))
                out.machine(key, "outside" if os.path.isabs(key) else "file", machine.definition)
        return out


# The sessions under way, innermost last: a pytest run inside a test (pytester) records into its
# own session, never into the outer one. None stands for a session without --aslsim-cov.
_sessions: list = []


def _on_execution(machine, execution) -> None:
    if _sessions and _sessions[-1] is not None:
        _sessions[-1].record(machine, execution)


def _enabled(config) -> bool:
    option = config.option
    return bool(option.aslsim_cov or option.aslsim_cov_json or option.aslsim_cov_html
                or option.aslsim_cov_fail_under is not None or option.aslsim_cov_source)


_stash_key = pytest.StashKey["_Session | None"]()


def pytest_configure(config):
    session = _Session(config) if _enabled(config) else None
    config.stash[_stash_key] = session
    _sessions.append(session)
    add_observer(_on_execution)


def pytest_unconfigure(config):
    session = config.stash.get(_stash_key, "missing")
    if session != "missing" and session in _sessions:
        # the last occurrence: this session is the innermost one still open
        del _sessions[len(_sessions) - 1 - _sessions[::-1].index(session)]
    if not _sessions:
        remove_observer(_on_execution)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: merge what a worker recorded."""
    session = node.config.stash.get(_stash_key, None)
    output = getattr(node, "workeroutput", None) or {}
    if session is not None and _WORKER_KEY in output:
        session.data.update(CoverageData.from_json(json.loads(output[_WORKER_KEY])))


def pytest_sessionfinish(session, exitstatus):
    coverage = session.config.stash.get(_stash_key, None)
    if coverage is None:
        return
    if hasattr(session.config, "workerinput"):          # an xdist worker: hand over, report nothing
        session.config.workeroutput[_WORKER_KEY] = json.dumps(coverage.data.to_json())
        return
    option = session.config.option
    data = CoverageData()
    if option.aslsim_cov_source:
        data.update(coverage.sources(option.aslsim_cov_source))
    data.update(coverage.data)
    coverage.report = data.select(coverage.patterns(option.aslsim_cov_source), option.aslsim_cov_all)
    coverage.left_out = data.left_out(coverage.report)
    if option.aslsim_cov_json:
        write_json(coverage.report, option.aslsim_cov_json)
    if option.aslsim_cov_html:
        write_html(coverage.report, option.aslsim_cov_html)
    if option.aslsim_cov_fail_under is not None:
        coverage.failure = fail_under_message(coverage.report, option.aslsim_cov_fail_under)
        if coverage.failure and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    coverage = config.stash.get(_stash_key, None)
    if coverage is None or coverage.report is None:
        return
    terminalreporter.write_sep("-", "aslsim workflow coverage")
    for line in text_report(coverage.report, coverage.left_out):
        terminalreporter.write_line(line)
    option = config.option
    for path, what in ((option.aslsim_cov_json, "JSON"), (option.aslsim_cov_html, "HTML")):
        if path:
            terminalreporter.write_line(f"aslsim coverage {what} written to {path}")
    if coverage.failure:
        terminalreporter.write_line(coverage.failure, red=True, bold=True)
    elif option.aslsim_cov_fail_under is not None:
        terminalreporter.write_line(
            f"aslsim workflow coverage {coverage.report.total_percent():.2f}% reaches "
            f"--aslsim-cov-fail-under={option.aslsim_cov_fail_under:g}", green=True)


# -- command line: merging reports of several runs ---------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aslsim.testing.coverage",
        description="Merge aslsim workflow coverage reports (--aslsim-cov-json) of separate runs.")
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser("merge", help="merge JSON reports and print the total")
    merge.add_argument("reports", nargs="+", metavar="REPORT.json")
    merge.add_argument("-o", "--output", metavar="PATH", help="write the merged JSON here")
    merge.add_argument("--html", metavar="PATH", help="write the merged HTML page here")
    merge.add_argument("--fail-under", metavar="N", type=float,
                       help="exit 1 when the merged total is below N percent")
    args = parser.parse_args(argv)
    data = CoverageData()
    for report in args.reports:
        try:
            data.update(CoverageData.from_json(json.loads(Path(report).read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as err:
            print(f"error: {report}: {err}", file=sys.stderr)
            return 2
    print("\n".join(text_report(data)))
    if args.output:
        write_json(data, args.output)
    if args.html:
        write_html(data, args.html)
    if args.fail_under is not None:
        message = fail_under_message(data, args.fail_under)
        if message:
            print(message, file=sys.stderr)
            return 1
        print(f"total {data.total_percent():.2f}% reaches --fail-under={args.fail_under:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
