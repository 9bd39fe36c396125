"""A loop that takes no virtual time ends, in either execution type, with a clear error: a
STANDARD execution meets its 25,000-event history limit, an EXPRESS one (which has none) the
limit of states entered at one instant (README: "Loops that take no time")."""
import json
import os
import subprocess
import sys
from pathlib import Path

import aslsim

# a state that loops to itself (a Choice: AWS refuses a machine with no terminal state, so the
# way out is there but never taken)
SELF_LOOP = {"StartAt": "Again", "States": {
    "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
              "Default": "Again"},
    "Done": {"Type": "Succeed"}}}


def test_an_express_state_looping_to_itself_fails_with_a_clear_error():
    ex = aslsim.load(SELF_LOOP).run({}, execution_type="EXPRESS")
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause.startswith("The state 'Again' was entered in a loop that takes no virtual time "
                               "(100000 states in a row at one instant)")
    assert ex.stop_ms == ex.start_ms
    assert ex.history[-1]["type"] == "ExecutionFailed"


def test_a_standard_state_looping_to_itself_meets_the_history_limit():
    ex = aslsim.load(SELF_LOOP).run({})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == "The execution reached the maximum number of history events (25000)."
    assert len(ex.history) == 25_000


def test_a_choice_loop_inside_a_map_iteration_ends_too():
    machine = aslsim.load({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Spin", "States": {
            "Spin": {"Type": "Choice", "Choices": [{"Variable": "$", "IsPresent": True, "Next": "Spin"}],
                     "Default": "Done"},
            "Done": {"Type": "Succeed"}}}}}})
    ex = machine.run([1], execution_type="EXPRESS")
    assert ex.status == "FAILED" and "loop that takes no virtual time" in ex.cause


def test_a_loop_that_takes_time_is_not_stopped_by_it():
    machine = aslsim.load({"StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "More?"},
        "More?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 60000,
                                                 "Next": "Count"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}})
    # 120,000 states, but at one instant: an Express loop that long is stopped ...
    assert machine.run({"n": 0}, execution_type="EXPRESS").status == "FAILED"
    # ... and one of 40,000 runs to its end
    ex = machine.run({"n": 40_000}, execution_type="EXPRESS")
    assert ex.status == "SUCCEEDED" and ex.output == {"n": 60_000}


def test_aslsim_run_express_of_a_self_loop_returns(tmp_path):
    definition = tmp_path / "loop.asl.json"
    definition.write_text(json.dumps(SELF_LOOP))
    source = str(Path(aslsim.__file__).resolve().parents[1])     # the aslsim the tests import
    done = subprocess.run([sys.executable, "-m", "aslsim.cli", "run", "--express", str(definition)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": source})
    assert done.returncode == 1, done.stderr
    assert "loop that takes no virtual time" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
