"""Property-based fuzzing: mutated definitions, inputs and mocks (tests/hardening/fuzzing.py)
either load or raise DefinitionError, and every loaded one runs to a status within bounds, draws
its graph in every format, renders its report and validates without an internal error.

Deterministic by default (seed 0, 150 examples, a few seconds). A longer run, e.g. a day-seed:
``ASLSIM_FUZZ_SEED=20250101 ASLSIM_FUZZ_EXAMPLES=1500 pytest tests/hardening/test_fuzz.py``;
``python scripts/fuzz.py`` runs 1,500 cases and counts every crash instead of stopping at the
first.
"""
import os

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import fuzzing

DEFINITIONS, INPUTS = fuzzing.load_corpus()
SEED = int(os.environ.get("ASLSIM_FUZZ_SEED", "0"))
EXAMPLES = int(os.environ.get("ASLSIM_FUZZ_EXAMPLES", "150"))


def test_the_corpus_holds_the_examples_and_the_recordings():
    assert len(DEFINITIONS) > 500      # the example workflows, fixtures, realworld, conformance


@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_mutated_case_is_refused_or_runs_to_a_status(data, tmp_path_factory):
    pick = fuzzing.DrawPick(data.draw)
    definition = fuzzing.mutate(DEFINITIONS[pick.index(len(DEFINITIONS))], pick)
    execution_input = fuzzing.pick_input(pick, INPUTS)
    outcome = fuzzing.check_case(definition, execution_input, lambda m: fuzzing.pick_mocks(pick, m),
                                 tmp_path_factory.getbasetemp())
    assert isinstance(outcome, str), outcome


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_the_daily_runner_finds_no_crash_in_a_short_run(seed_value):
    import importlib.util
    spec = importlib.util.spec_from_file_location("fuzz_script", fuzzing.ROOT / "scripts" / "fuzz.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--seed", str(seed_value), "--count", "100", "--show", "0"]) == 0
