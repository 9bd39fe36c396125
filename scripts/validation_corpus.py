"""The definitions the validators are measured on: the corpus, the examples, the conformance set.

Shared by tests/validate/test_corpus.py and scripts/compare_validators.py so both judge exactly
the same files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "validate" / "corpus"
EXAMPLES = ROOT / "statemachines"
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "cases.jsonl"

# Some recorded definitions hold a value the original test computed at run time (a Lambda it had
# just created...). AWS saw a real ARN there, so put a well-formed one back before validating.
_UNRESOLVED = {
    "create_lambda_function()[...][...]": "arn:aws:lambda:us-east-1:111111111111:function:fn",
    "arns.lambda_function_arn()": "arn:aws:lambda:us-east-1:111111111111:function:fn",
    "create_activity()[...]": "arn:aws:states:us-east-1:111111111111:activity:act",
    "short_uid()": "a1b2c3",
}
_PLACEHOLDER = re.compile(r"<<UNRESOLVED:(.*?)>>")


@dataclass(frozen=True)
class CorpusEntry:
    name: str           # path relative to the corpus folder: "invalid/012-....asl.json"
    path: Path
    errors: tuple       # the exact set of error codes aslsim must report
    warnings: tuple     # warning codes aslsim must (at least) report
    why: str
    asl_validator: dict  # {"expect": caught|missed|false-error|ok|n/a, "says"/"note": ...}
    statelint: dict      # {"expect": ..., "rule": ...}


def corpus_entries() -> list[CorpusEntry]:
    """Every corpus file with what is expected of it (tests/validate/corpus/expected.json)."""
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return [CorpusEntry(name, CORPUS / name, tuple(e["errors"]), tuple(e["warnings"]), e["why"],
                        e.get("asl_validator", {}), e.get("statelint", {}))
            for name, e in expected.items()]


def corpus_files_on_disk() -> list[str]:
    """Corpus definition files present on disk, relative to the corpus folder."""
    return sorted(str(p.relative_to(CORPUS)) for folder in ("invalid", "valid", "warning")
                  for p in (CORPUS / folder).iterdir() if p.is_file())


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.asl.json"))


def _resolve(text: str) -> str:
    def replace(match):
        if match.group(1) not in _UNRESOLVED:
            raise KeyError(f"no stand-in value for the placeholder {match.group(0)}")
        return _UNRESOLVED[match.group(1)]
    return _PLACEHOLDER.sub(replace, text)


def accepted_conformance_definitions() -> dict[str, dict]:
    """Each distinct definition AWS accepted (status != CREATE_FAILED), keyed by its first case id."""
    out: dict[str, dict] = {}
    seen: set[str] = set()
    with open(CONFORMANCE, encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            if case["expected"]["status"] == "CREATE_FAILED":
                continue
            text = _resolve(json.dumps(case["definition"], sort_keys=True))
            if text not in seen:
                seen.add(text)
                out[case["id"]] = json.loads(text)
    return out


def refused_conformance_definitions() -> dict[str, dict]:
    """Each definition AWS's CreateStateMachine refused (status CREATE_FAILED), keyed by case id."""
    with open(CONFORMANCE, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f]
    return {case["id"]: case["definition"] for case in cases
            if case["expected"]["status"] == "CREATE_FAILED"}


def write_conformance_files(folder: Path) -> dict[Path, str]:
    """Write the accepted conformance definitions as NNN.asl.json files; path -> case id."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.asl.json"):
        old.unlink()
    written = {}
    for number, (case_id, definition) in enumerate(accepted_conformance_definitions().items(), 1):
        path = folder / f"{number:03d}.asl.json"
        path.write_text(json.dumps(definition, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written[path] = case_id
    return written
