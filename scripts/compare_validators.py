"""Run ``aslsim validate`` and the npm asl-validator side by side and explain where they disagree.

    python scripts/compare_validators.py                 # corpus + examples + conformance
    python scripts/compare_validators.py --corpus-only
    python scripts/compare_validators.py --show-agreement   # list every file, not only disagreements
    python scripts/compare_validators.py --realworld     # ../shared/realworld: figures per group
    python scripts/compare_validators.py --realworld --record tests/realworld/asl_validator.txt

asl-validator is installed with npm into .cache/asl-validator (git-ignored) on first use and
called through scripts/asl_validator_run.js. A file counts as flagged by a tool when the tool
reports at least one error (aslsim's warnings do not count). Every file only asl-validator flags
must be explained: listed in the corpus's expected.json as an asl-validator false error, or a
definition AWS accepted (the conformance recordings). Exit status 1 when one is not.
statelint (a Ruby gem) is not run: RubyGems is not reachable here; see docs/validate-agreement.md.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validation_corpus as corpus  # noqa: E402

ROOT = corpus.ROOT
CACHE = ROOT / ".cache" / "asl-validator"
ASL_VALIDATOR = "asl-validator@4.0.0"      # the version the corpus expectations were recorded with
RUNNER = Path(__file__).resolve().parent / "asl_validator_run.js"
CHUNK = 200                                # files per node/aslsim process (command-line length)


class ToolMissing(RuntimeError):
    pass


@dataclass
class Subject:
    """One file to validate, and what we know about it."""
    group: str                  # corpus | examples | conformance
    label: str
    path: Path
    entry: corpus.CorpusEntry | None = None
    case_id: str | None = None  # conformance: the recorded case AWS accepted


@dataclass
class Row:
    subject: Subject
    aslsim: list[str]           # "ASL201: message" for each error
    asl_validator: list[str] | None   # "CODE: message"; None when it cannot read the file
    explanation: str = ""
    explained: bool = True

    @property
    def label(self) -> str:
        return self.subject.label

    @property
    def verdict(self) -> str:
        if self.asl_validator is None:
            return "n/a"
        return {(True, True): "both", (True, False): "only aslsim",
                (False, True): "only asl-validator", (False, False): "neither"}[
            (bool(self.aslsim), bool(self.asl_validator))]


def install_asl_validator(cache: Path = CACHE) -> Path:
    """node_modules holding asl-validator; npm-installs it into ``cache`` the first time."""
    modules = cache / "node_modules"
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise ToolMissing(f"'{tool}' is not on PATH: install Node.js and npm to compare with "
                              "asl-validator")
    if not (modules / "asl-validator" / "package.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(cache), ASL_VALIDATOR,
                               "--no-audit", "--no-fund", "--loglevel=error"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ToolMissing(f"npm install {ASL_VALIDATOR} failed:\n{done.stderr}")
    return modules


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_asl_validator(paths: list[Path], modules: Path) -> dict[Path, list[str]]:
    out: dict[Path, list[str]] = {}
    for chunk in _chunks(paths):
        done = subprocess.run(["node", str(RUNNER), str(modules), *map(str, chunk)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ToolMissing(f"asl-validator run failed:\n{done.stderr}")
        for result in json.loads(done.stdout):
            out[Path(result["file"])] = [f"{e['code']}: {e['message']}" for e in result["errors"]]
    return out


def run_aslsim(paths: list[Path]) -> dict[Path, list[str]]:
    """Error diagnostics per file, from the CLI as users run it (``--format json``)."""
    out: dict[Path, list[str]] = {path: [] for path in paths}
    for chunk in _chunks(paths):
        done = subprocess.run([sys.executable, "-m", "aslsim.cli", "validate", "--format", "json",
                               *map(str, chunk)], capture_output=True, text=True)
        if done.returncode not in (0, 1, 2):     # 2: some file unreadable, still reported
            raise RuntimeError(f"aslsim validate exited {done.returncode}:\n{done.stderr}")
        for result in json.loads(done.stdout)["files"]:
            path = Path(result["file"].split("#", 1)[0])   # a template's machines: file#Name
            out[path] += [f"{d['code']}: {d['message']}" for d in result["diagnostics"]
                          if d["severity"] == "error"]
    return out


def corpus_group() -> list[Subject]:
    return [Subject("corpus", e.name, e.path, entry=e) for e in corpus.corpus_entries()]


def example_group() -> list[Subject]:
    return [Subject("examples", p.name, p) for p in corpus.example_files()]


def conformance_group(folder: Path) -> list[Subject]:
    return [Subject("conformance", f"{path.name} ({case_id})", path, case_id=case_id)
            for path, case_id in corpus.write_conformance_files(folder).items()]


def _explain(row: Row) -> None:
    """Why the two tools disagree on this file (and whether that is accounted for)."""
    subject, verdict = row.subject, row.verdict
    if verdict in ("both", "neither"):
        return
    if verdict == "n/a":
        row.explanation = "asl-validator reads bare definitions, not CloudFormation/SAM templates"
        return
    entry = subject.entry
    av = entry.asl_validator if entry else {}
    if verdict == "only asl-validator":
        if entry and av.get("expect") == "false-error":
            row.explanation = f"asl-validator false error: {av.get('note', '')}"
        elif subject.case_id:
            row.explanation = "asl-validator false error: AWS accepted this definition (recorded)"
        else:
            row.explanation, row.explained = "UNEXPLAINED: aslsim misses an error", False
    else:   # only aslsim
        if entry and entry.errors and av.get("expect") == "missed":
            row.explanation = f"asl-validator misses it: {av.get('note', '')}"
        else:
            row.explanation, row.explained = ("UNEXPLAINED: aslsim reports an error on a "
                                              "definition expected to be valid"), False


def compare(subjects: list[Subject], modules: Path, timings: dict | None = None) -> list[Row]:
    """One Row per subject; ``timings`` (if given) receives each tool's wall-clock seconds."""
    paths = [s.path for s in subjects]
    readable = [s.path for s in subjects if ".template." not in s.path.name]
    started = time.perf_counter()
    ours = run_aslsim(paths)
    middle = time.perf_counter()
    theirs = run_asl_validator(readable, modules)
    if timings is not None:
        timings.update(aslsim=middle - started, asl_validator=time.perf_counter() - middle,
                       files=len(paths))
    rows = []
    for subject in subjects:
        row = Row(subject, ours[subject.path], theirs.get(subject.path))
        _explain(row)
        rows.append(row)
    return rows


def report(rows: list[Row], show_agreement: bool = False) -> str:
    lines = []
    groups = list(dict.fromkeys(row.subject.group for row in rows))
    verdicts = ["both", "only aslsim", "only asl-validator", "neither", "n/a"]
    lines.append(f"{'group':12} {'files':>5} " + " ".join(f"{v:>18}" for v in verdicts))
    for group in groups + ["all"]:
        mine = [r for r in rows if group in ("all", r.subject.group)]
        counts = Counter(r.verdict for r in mine)
        lines.append(f"{group:12} {len(mine):>5} " + " ".join(f"{counts[v]:>18}" for v in verdicts))
    for verdict in verdicts[1:3] + (verdicts[0:1] + verdicts[3:] if show_agreement else []):
        chosen = [r for r in rows if r.verdict == verdict]
        if not chosen:
            continue
        lines.append(f"\n{verdict} ({len(chosen)}):")
        for r in chosen:
            codes = sorted({m.split(":", 1)[0] for m in r.aslsim})
            theirs = r.asl_validator[0][:100] if r.asl_validator else ""
            lines.append(f"  {r.label}\n      aslsim: {', '.join(codes) or '-'}"
                         f" | asl-validator: {theirs or '-'}")
            if r.explanation:
                lines.append(f"      why: {r.explanation}")
    unexplained = sum(not r.explained for r in rows)
    lines.append(f"\nunexplained disagreements: {unexplained}")
    return "\n".join(lines)


def realworld_figures(modules: Path, group: str = "deployed-sample") -> str:
    """For ../shared/realworld's files of ``group``: how many files each tool flags among the
    presumed-valid ones and how many it catches among the invalid ones (a file counts as flagged
    when the tool reports an error; asl-validator cannot read templates)."""
    import realworld
    chosen = realworld.samples(group)
    paths = [s.path for s in chosen]
    ours = run_aslsim(paths)
    theirs = run_asl_validator([p for p in paths if not _is_template(p)], modules)
    lines = [f"realworld {group}: {len(chosen)} files"]
    for expected in ("valid", "invalid", "unknown"):
        mine = [s for s in chosen if s.expected == expected]
        if not mine:
            continue
        readable = [s for s in mine if s.path in theirs]
        lines.append(f"  {expected:8} {len(mine):4} files: aslsim flags {sum(bool(ours[s.path]) for s in mine)}, "
                     f"asl-validator flags {sum(bool(theirs[s.path]) for s in readable)} of the "
                     f"{len(readable)} it can read")
    return "\n".join(lines)


def _is_template(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return '"Resources"' in text or "Resources:" in text or "stepFunctions:" in text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-only", action="store_true")
    parser.add_argument("--show-agreement", action="store_true")
    parser.add_argument("--realworld", action="store_true",
                        help="figures for ../shared/realworld, every group")
    parser.add_argument("--record", metavar="FILE", help="with --realworld: also write them here")
    args = parser.parse_args(argv)
    try:
        modules = install_asl_validator()
    except ToolMissing as err:
        print(f"compare_validators: {err}", file=sys.stderr)
        return 2
    if args.realworld:
        text = "\n".join(realworld_figures(modules, g) for g in
                         ("deployed-sample", "moto-test", "user-project", "linter-test"))
        print(text)
        if args.record:
            Path(args.record).write_text(f"{ASL_VALIDATOR} and aslsim on ../shared/realworld "
                                         f"(python scripts/compare_validators.py --realworld)\n"
                                         f"{text}\n", encoding="utf-8")
        return 0
    subjects = corpus_group()
    if not args.corpus_only:
        subjects += example_group() + conformance_group(CACHE.parent / "compare" / "conformance")
    timings: dict = {}
    rows = compare(subjects, modules, timings)
    print(report(rows, args.show_agreement))
    print(f"time for {timings['files']} files: aslsim validate {timings['aslsim']:.1f} s, "
          f"asl-validator {timings['asl_validator']:.1f} s (one process per {CHUNK} files each)")
    return 1 if any(not r.explained for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
