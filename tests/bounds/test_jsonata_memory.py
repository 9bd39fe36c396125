"""JSONata evaluation is bounded in memory as well as time: an expression that would build
gigabytes fails its state with States.QueryEvaluationError, and the process running aslsim (a
pytest worker, the CLI) never aborts. Run here under a 2 GiB address-space limit, where an
allocation failure inside the Rust engine would abort the process (SIGABRT)."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import aslsim

SOURCE = str(Path(aslsim.__file__).resolve().parents[1])
resource = pytest.importorskip("resource")

SCRIPT = textwrap.dedent("""
    import json, resource, sys
    limit = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.path.insert(0, sys.argv[2])     # the aslsim the tests import
    import aslsim
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Output": sys.argv[1], "End": True}}})
    ex = machine.run({})
    print(json.dumps([ex.status, ex.error, ex.cause, ex.output]))
""")


def run_limited(expression: str):
    done = subprocess.run([sys.executable, "-c", SCRIPT, expression, SOURCE], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_expression_that_would_take_gigabytes_fails_the_state():
    status, error, cause, _ = run_limited("{% $count([1..10000].([1..10000])) %}")
    assert (status, error) == ("FAILED", "States.QueryEvaluationError")
    assert cause.startswith("An error occurred while executing the state 'Count' (entered at the event "
                            "id #2). The JSONata expression '$count([1..10000].([1..10000]))' specified "
                            "for the field 'Output' threw an error during evaluation.")


def test_the_same_kind_of_expression_within_bounds_still_answers():
    assert run_limited("{% $count([1..300].([1..300])) %}") == ["SUCCEEDED", None, None, 90000]


def test_a_panic_of_the_engine_is_a_jsonata_error(monkeypatch):
    from aslsim.query import jsonata

    class PanicException(BaseException):
        pass

    class Panicking:
        def evaluate(self, *args, **kwargs):
            raise PanicException("index out of bounds")

    with pytest.raises(jsonata.JsonataError) as caught:
        jsonata.Expression._run(Panicking(), jsonata._NO_INPUT, {}, {})
    assert "The JSONata engine failed: index out of bounds" in str(caught.value)
