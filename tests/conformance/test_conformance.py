"""The judge of fidelity: executions recorded on real AWS, replayed through aslsim.

Runs ../shared/conformance/run.py (beside this repository, as in CI) with the baseline kept in
this folder: a case that passed once can never silently fail again. The pass rate by area and by
requirement is printed (run pytest with -s to see it, or read the captured output on failure).
"""
import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RUNNER = HERE.parents[2] / "shared" / "conformance" / "run.py"
BASELINE = HERE / "baseline.txt"


def _load_runner():
    spec = importlib.util.spec_from_file_location("conformance_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not RUNNER.exists(), reason="../shared/conformance is not beside this checkout")
def test_no_recorded_case_that_passed_before_regresses():
    out = io.StringIO()
    with redirect_stdout(out):
        status = _load_runner().main(["--baseline", str(BASELINE), "--timeout", "20"])
    report = out.getvalue()
    print(report)
    regressions = [line for line in report.splitlines() if line.startswith("REGRESSION")]
    assert status == 0, "conformance regressions:\n" + "\n".join(regressions[:50])
    # the baseline itself must stay meaningful: most of the recorded cases pass
    passed = int(report.rsplit("conformance: ", 1)[1].split(" passed")[0])
    assert passed >= len(BASELINE.read_text().split())
