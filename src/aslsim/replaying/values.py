"""When a recorded value and a local one are the same.

Exact JSON equality, except where one side cannot have the other's value:

- a recorded placeholder (``<uuid:1>``, a bare word the caller names, the masked account
  ``111111111111``) matches any value there;
- a value the local run invents (its execution ARN and name, its role ARN, task tokens, Map Run
  ARNs, UUIDs) matches the recorded value in its place, and from then on stands for it: the
  pairs are kept, so one recorded token must always meet the same local token;
- two timestamps match within the tolerance;
- in the parsed form, JSON text on one side matches the value it holds on the other (snapshots
  keep some payloads as text).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from ..definition.timestamps import epoch_ms, parse_timestamp

PLACEHOLDER = re.compile(r"<[^<>\s]+>")
MASKED_ACCOUNT = "111111111111"
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# words snapshot tools put where a value changes from run to run
DEFAULT_MASKS = frozenset({"snf_role_arn", "sfn_role_arn", "generated-uuid"})
_ABSENT = object()


class Matcher:
    """Compares recorded values with local ones, remembering which local id stands for which."""

    def __init__(self, *, masks=(), identities=(), tolerance_ms: int = 1000, loose: bool = False):
        self.masks = DEFAULT_MASKS | set(masks)
        self.identities = {i for i in identities if isinstance(i, str) and i}
        self.tolerance_ms = tolerance_ms
        self.loose = loose                      # the parsed form: text and values may stand for each other
        self.pairs: dict[str, str] = {}         # recorded -> local
        self._reverse: dict[str, str] = {}
        self._journal: list[str] | None = None

    # -- pairs, undone when a trial fails ---------------------------------------------------
    def trial(self) -> "_Trial":
        return _Trial(self)

    def _pair(self, recorded: str, local: str) -> bool:
        if self.pairs.get(recorded, local) != local or self._reverse.get(local, recorded) != recorded:
            return False
        if recorded not in self.pairs:
            self.pairs[recorded] = local
            self._reverse[local] = recorded
            if self._journal is not None:
                self._journal.append(recorded)
        return True

    def localize(self, value: Any) -> Any:
        """A recorded value with the recorded ids replaced by the local ones they stand for."""
        if isinstance(value, str):
            if value in self.pairs:
                return self.pairs[value]
            for recorded, local in self.pairs.items():
                if len(recorded) > 8 and recorded in value:
                    value = value.replace(recorded, local)
            return value
        if isinstance(value, dict):
            return {k: self.localize(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.localize(v) for v in value]
        return value

    # -- comparing ------------------------------------------------------------------------
    def same(self, recorded: Any, local: Any) -> bool:
        """Whether the values are the same; pairs learned on the way are kept only on success."""
        with self.trial() as trial:
            trial.ok = self._same(recorded, local)
            return trial.ok

    def differences(self, recorded: Any, local: Any, path: str = "", limit: int = 5) -> list[tuple]:
        """Up to ``limit`` (path, recorded, local) leaves where the values differ."""
        out: list[tuple] = []
        self._collect(recorded, local, path, out, limit)
        return out

    def _collect(self, recorded, local, path, out, limit):
        if len(out) >= limit or self.same(recorded, local):
            return
        if isinstance(recorded, dict) and isinstance(local, dict):
            for key in list(recorded) + [k for k in local if k not in recorded]:
                self._collect(recorded.get(key, _ABSENT), local.get(key, _ABSENT),
                              f"{path}.{key}" if path else str(key), out, limit)
            return
        if isinstance(recorded, list) and isinstance(local, list) and len(recorded) == len(local):
            for index, (r, l) in enumerate(zip(recorded, local)):
                self._collect(r, l, f"{path}[{index}]", out, limit)
            return
        out.append((path or "(value)", recorded, local))

    def _same(self, recorded, local) -> bool:
        if recorded is _ABSENT or local is _ABSENT:
            return recorded is local
        if isinstance(recorded, str):
            return self._same_string(recorded, local)
        if isinstance(local, str) and self.loose and isinstance(recorded, (dict, list)):
            decoded = _json(local)
            return decoded is not _ABSENT and self._same(recorded, decoded)
        if isinstance(recorded, bool) or isinstance(local, bool):
            return recorded is local
        if isinstance(recorded, (int, float)) and isinstance(local, (int, float)):
            return math.isclose(recorded, local, rel_tol=1e-9, abs_tol=0.0)
        if isinstance(recorded, dict):
            return (isinstance(local, dict) and recorded.keys() == local.keys()
                    and all(self._same(v, local[k]) for k, v in recorded.items()))
        if isinstance(recorded, list):
            return (isinstance(local, list) and len(recorded) == len(local)
                    and all(self._same(r, l) for r, l in zip(recorded, local)))
        return recorded == local

    def _same_string(self, recorded: str, local) -> bool:
        if recorded in self.masks or PLACEHOLDER.fullmatch(recorded):
            return True
        if not isinstance(local, str):
            if self.loose:
                decoded = _json(recorded)
                return decoded is not _ABSENT and not isinstance(decoded, str) and self._same(decoded, local)
            return False
        if recorded == local:
            return True
        if self.loose and recorded[:1] == '"' and _json(recorded) == local:
            return True   # a snapshot's JSON text of a string
        if recorded in self.pairs:
            return self.pairs[recorded] == local
        if local in self.identities or (_UUID.fullmatch(local) and _UUID.fullmatch(recorded)):
            return self._pair(recorded, local)
        if PLACEHOLDER.search(recorded) or MASKED_ACCOUNT in recorded:
            if _pattern(recorded).fullmatch(local):
                return True
        if self._embedded_identities(recorded, local):
            return True
        if self._same_time(recorded, local):
            return True
        if recorded[:1] in "{[" and local[:1] in "{[":
            # JSON text (a cause, say): compare the documents, spacing aside
            a, b = _json(recorded), _json(local)
            return a is not _ABSENT and b is not _ABSENT and self._same(a, b)
        return False

    def _embedded_identities(self, recorded: str, local: str) -> bool:
        """A local string holding local ids (an ARN with the execution's name in it, say)."""
        found = [i for i in sorted(self.identities, key=len, reverse=True) if i in local]
        if not found:
            return False
        parts, pos, order = [], 0, []
        pattern = re.compile("|".join(re.escape(i) for i in found))
        for m in pattern.finditer(local):
            parts.append(re.escape(local[pos:m.start()]))
            known = self._reverse.get(m.group())
            parts.append(re.escape(known) if known is not None else r"([\s\S]+?)")
            if known is None:
                order.append(m.group())
            pos = m.end()
        parts.append(re.escape(local[pos:]))
        m = re.fullmatch("".join(parts), recorded)
        if m is None:
            return False
        return all(self._pair(value, ident) for value, ident in zip(m.groups(), order))

    def _same_time(self, recorded: str, local: str) -> bool:
        """Timestamps ($now(), $$.State.EnteredTime), alone or inside text, within the tolerance."""
        times_r, times_l = _TIMESTAMP.findall(recorded), _TIMESTAMP.findall(local)
        if not times_r or len(times_r) != len(times_l):
            return False
        if _TIMESTAMP.split(recorded) != _TIMESTAMP.split(local):
            return False
        for a, b in zip(times_r, times_l):
            a, b = parse_timestamp(a), parse_timestamp(b)
            if a is None or b is None or abs(epoch_ms(a) - epoch_ms(b)) > self.tolerance_ms:
                return False
        return True


class _Trial:
    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self.ok = False

    def __enter__(self):
        self.outer = self.matcher._journal
        self.matcher._journal = []
        return self

    def __exit__(self, *exc):
        matcher, added = self.matcher, self.matcher._journal
        matcher._journal = self.outer
        if not self.ok or exc[0] is not None:
            for recorded in added:
                local = matcher.pairs.pop(recorded)
                matcher._reverse.pop(local, None)
        elif self.outer is not None:
            self.outer.extend(added)
        return False


def _pattern(recorded: str) -> re.Pattern:
    parts, pos = [], 0
    for m in PLACEHOLDER.finditer(recorded):
        parts.append(re.escape(recorded[pos:m.start()]))
        parts.append(r"[\s\S]+?")
        pos = m.end()
    parts.append(re.escape(recorded[pos:]))
    return re.compile("".join(parts).replace(MASKED_ACCOUNT, r"\d{12}"))


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return _ABSENT


def show(value: Any, width: int = 60) -> str:
    """A value as one short line of JSON, for side-by-side output."""
    if value is _ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"
