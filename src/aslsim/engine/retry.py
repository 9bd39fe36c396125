"""Which retrier or catcher handles an error, and how long a retry waits."""
from __future__ import annotations

import random

from ..errors import UNCATCHABLE


def error_matches(names: tuple[str, ...], error: str | None) -> bool:
    """AWS's ErrorEquals matching: exact names plus the two wildcards.

    States.ALL matches every catchable error; States.TaskFailed matches every error except
    States.Timeout (and the States.* errors that are not task failures are still matched by it,
    as AWS documents it: "any error except States.Timeout").
    """
    if error in UNCATCHABLE:
        return False
    for name in names:
        if name == error or name == "States.ALL":
            return True
        if name == "States.TaskFailed" and error != "States.Timeout":
            return True
    return False


def find_retrier(retriers, error):
    """Index of the first retrier whose ErrorEquals matches (even if it is exhausted), or None."""
    for i, retrier in enumerate(retriers):
        if error_matches(retrier.errors, error):
            return i
    return None


def find_catcher(catchers, error):
    """The first catcher whose ErrorEquals matches, or None."""
    index = catcher_index(catchers, error)
    return None if index is None else catchers[index]


def catcher_index(catchers, error):
    """Index of the first catcher whose ErrorEquals matches, or None."""
    for i, catcher in enumerate(catchers):
        if error_matches(catcher.errors, error):
            return i
    return None


def backoff_ms(retrier, attempt: int, rng: random.Random) -> int:
    """Delay before retry number ``attempt`` (0-based) of this retrier, in milliseconds.

    IntervalSeconds x BackoffRate^attempt, capped by MaxDelaySeconds, then with FULL jitter a
    uniform draw between 0 and that value.
    """
    seconds = retrier.interval_seconds * (retrier.backoff_rate ** attempt)
    if retrier.max_delay_seconds is not None:
        seconds = min(seconds, retrier.max_delay_seconds)
    if retrier.jitter_full:
        seconds = rng.uniform(0, seconds)
    return int(round(seconds * 1000))
