"""Which retrier or catcher handles an error, and how long a retry waits (retry.py on its own).

Sources: developer guide concepts-error-handling.md (error names, retrier fields and defaults,
"2 retry attempts after waiting for 3 and 4.5 seconds"); CHECKLIST sections 6 and 7.
"""
import random

import pytest

from aslsim.definition.model import Catcher, Retrier
from aslsim.engine.retry import backoff_ms, error_matches, find_catcher, find_retrier


# --- ErrorEquals matching ---------------------------------------------------------------------

def test_an_error_name_matches_itself():
    assert error_matches(("CustomError",), "CustomError") is True


def test_error_names_are_case_sensitive():
    assert error_matches(("customerror",), "CustomError") is False


def test_error_names_match_exactly_not_by_prefix():
    assert error_matches(("Lambda",), "Lambda.Unknown") is False
    assert error_matches(("Lambda.Unknown",), "Lambda.UnknownError") is False


def test_any_name_in_error_equals_may_match():
    assert error_matches(("ErrorA", "ErrorB"), "ErrorB") is True


def test_states_all_matches_a_custom_error():
    assert error_matches(("States.ALL",), "java.lang.Exception") is True


def test_states_all_matches_states_timeout():
    assert error_matches(("States.ALL",), "States.Timeout") is True


def test_states_all_matches_an_error_without_a_name():
    # SendTaskFailure without an error: AWS's catcher with States.ALL still caught it (recorded:
    # test_sqs_failure_in_wait_for_task_tok_no_error_field, output {"Error": null, "Cause": null})
    assert error_matches(("States.ALL",), None) is True


def test_states_all_never_matches_states_runtime():
    assert error_matches(("States.ALL",), "States.Runtime") is False


def test_states_runtime_is_not_matched_even_by_name():
    # recorded: test_catch_states_runtime, a Catch on ["States.Runtime"] did not catch it
    assert error_matches(("States.Runtime",), "States.Runtime") is False


def test_states_task_failed_matches_a_task_error():
    assert error_matches(("States.TaskFailed",), "Lambda.Unknown") is True


def test_states_task_failed_does_not_match_states_timeout():
    assert error_matches(("States.TaskFailed",), "States.Timeout") is False


def test_states_timeout_matches_states_timeout():
    assert error_matches(("States.Timeout",), "States.Timeout") is True


def test_states_timeout_does_not_match_other_errors():
    assert error_matches(("States.Timeout",), "States.TaskFailed") is False
    assert error_matches(("States.Timeout",), "CustomError") is False


# --- choosing the retrier / catcher -----------------------------------------------------------

def retrier(*errors, **fields):
    return Retrier(errors=tuple(errors), **fields)


def test_find_retrier_returns_the_first_matching_retrier():
    retriers = (retrier("ErrorA"), retrier("ErrorB"), retrier("States.ALL"))
    assert find_retrier(retriers, "ErrorB") == 1


def test_find_retrier_prefers_an_earlier_match_over_states_all():
    retriers = (retrier("ErrorA", max_attempts=0), retrier("States.ALL"))
    # the first match decides even though it allows no retry: States.ALL is not consulted
    assert find_retrier(retriers, "ErrorA") == 0


def test_find_retrier_returns_none_without_a_match():
    assert find_retrier((retrier("ErrorA"),), "ErrorB") is None


def test_find_retrier_never_matches_states_runtime():
    assert find_retrier((retrier("States.ALL"),), "States.Runtime") is None


def test_find_catcher_returns_the_first_matching_catcher():
    catchers = (Catcher(errors=("ErrorA",), next="A"), Catcher(errors=("States.ALL",), next="All"))
    assert find_catcher(catchers, "ErrorA").next == "A"
    assert find_catcher(catchers, "Other").next == "All"


def test_find_catcher_with_task_failed_skips_a_timeout():
    catchers = (Catcher(errors=("States.TaskFailed",), next="Failed"),
                Catcher(errors=("States.Timeout",), next="TimedOut"))
    assert find_catcher(catchers, "States.Timeout").next == "TimedOut"


# --- backoff ----------------------------------------------------------------------------------

def delays(r, attempts, seed=0):
    rng = random.Random(seed)
    return [backoff_ms(r, n, rng) for n in range(attempts)]


def test_default_backoff_is_one_then_doubling_seconds():
    assert delays(retrier("E"), 4) == [1_000, 2_000, 4_000, 8_000]


def test_backoff_is_interval_times_rate_to_the_attempt():
    # developer guide: IntervalSeconds 3, BackoffRate 1.5 -> waits of 3 and 4.5 seconds
    assert delays(retrier("E", interval_seconds=3, backoff_rate=1.5), 2) == [3_000, 4_500]


def test_backoff_rate_one_keeps_the_interval_constant():
    assert delays(retrier("E", interval_seconds=5, backoff_rate=1.0), 3) == [5_000, 5_000, 5_000]


def test_max_delay_seconds_caps_the_backoff():
    r = retrier("E", interval_seconds=1, backoff_rate=2.0, max_delay_seconds=5)
    assert delays(r, 5) == [1_000, 2_000, 4_000, 5_000, 5_000]


def test_max_delay_seconds_above_the_backoff_changes_nothing():
    r = retrier("E", interval_seconds=2, backoff_rate=2.0, max_delay_seconds=100)
    assert delays(r, 3) == [2_000, 4_000, 8_000]


@pytest.mark.parametrize("seed", range(20))
def test_full_jitter_stays_between_zero_and_the_capped_backoff(seed):
    r = retrier("E", interval_seconds=2, backoff_rate=3.0, max_delay_seconds=30, jitter_full=True)
    caps = [2_000, 6_000, 18_000, 30_000, 30_000, 30_000]
    for n, (delay, cap) in enumerate(zip(delays(r, len(caps), seed), caps)):
        assert 0 <= delay <= cap, f"attempt {n}: {delay} ms is outside [0, {cap}]"


def test_full_jitter_is_the_same_for_the_same_seed():
    r = retrier("E", interval_seconds=10, jitter_full=True)
    assert delays(r, 5, seed=42) == delays(r, 5, seed=42)


def test_full_jitter_differs_between_seeds():
    r = retrier("E", interval_seconds=10, jitter_full=True)
    assert delays(r, 5, seed=1) != delays(r, 5, seed=2)


def test_full_jitter_actually_randomises():
    r = retrier("E", interval_seconds=10, jitter_full=True)
    assert len(set(delays(r, 1, seed) [0] for seed in range(10))) > 1


def test_without_jitter_the_rng_is_not_consumed():
    rng = random.Random(7)
    backoff_ms(retrier("E"), 0, rng)
    assert rng.random() == random.Random(7).random()
