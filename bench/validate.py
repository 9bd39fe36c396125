"""Cost of ``aslsim validate``: python bench/validate.py [N]

Validates N definitions (default 1,000): the conformance definitions and the example workflows,
cycled, each as JSON text (the CLI's case: parse, checks, backstop; positions are computed only
for files with diagnostics). Prints the total time, the time per definition, and the same run
through ``aslsim.load`` alone (the loader that the validator ends with), measured side by side.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aslsim.definition.parse import parse_machine  # noqa: E402
from aslsim.errors import DefinitionError  # noqa: E402
from aslsim.validate import validate_definition  # noqa: E402

CASES = ROOT.parent / "shared" / "conformance" / "cases.jsonl"


def definitions() -> list[tuple[str, str]]:
    found = [(str(p), p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "statemachines").glob("*.asl.json"))]
    if CASES.exists():
        seen = set()
        for line in CASES.read_text(encoding="utf-8").splitlines():
            text = json.dumps(json.loads(line)["definition"], indent=2)
            if text not in seen:
                seen.add(text)
                found.append((f"case{len(found)}.asl.json", text))
    return found


def main(n: int = 1000):
    pool = definitions()
    batch = [pool[i % len(pool)] for i in range(n)]
    validate_definition(batch[0][1])           # imports, botocore's index: not per definition

    start = time.perf_counter()
    diagnostics = sum(len(validate_definition(text, file=name)) for name, text in batch)
    validate_s = time.perf_counter() - start

    start = time.perf_counter()
    for _, text in batch:
        try:
            parse_machine(json.loads(text))
        except DefinitionError:
            pass
    load_s = time.perf_counter() - start

    print(f"{n} definitions ({len(pool)} distinct), {diagnostics} diagnostics")
    print(f"validate: {validate_s:.3f} s total, {validate_s / n * 1e3:.3f} ms per definition")
    print(f"load alone: {load_s:.3f} s total; validate costs {validate_s / load_s:.1f}x the loader")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
