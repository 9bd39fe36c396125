"""The virtual-time scheduler on its own: generators that Sleep and Join, no state machine."""
import time

import pytest

from aslsim.engine.scheduler import ChildFailed, Join, Scheduler, Sleep

START = 1_735_689_600_000  # 2025-01-01T00:00:00Z in epoch milliseconds


def run(root, deadline_ms=None, start=START):
    clock = Scheduler(start)
    return clock, clock.run(root, deadline_ms)


# --- the clock --------------------------------------------------------------------------------

def test_sleep_moves_the_clock_by_exactly_the_requested_milliseconds():
    clock = Scheduler(START)

    def root():
        yield Sleep(5_000)
        return clock.now

    assert clock.run(root()) == (True, START + 5_000)


def test_a_sleep_of_a_year_costs_no_real_time():
    clock = Scheduler(START)
    year_ms = 365 * 24 * 3600 * 1000

    def root():
        yield Sleep(year_ms)
        return clock.now

    began = time.monotonic()
    assert clock.run(root()) == (True, START + year_ms)
    assert time.monotonic() - began < 1.0


def test_zero_sleep_yields_without_moving_the_clock():
    clock = Scheduler(START)

    def root():
        yield Sleep(0)
        return clock.now

    assert clock.run(root()) == (True, START)


def test_sleeps_in_sequence_add_up():
    clock = Scheduler(START)

    def root():
        yield Sleep(1_000)
        yield Sleep(2_000)
        return clock.now

    assert clock.run(root()) == (True, START + 3_000)


def test_the_return_value_of_the_root_is_the_run_value():
    def root():
        return "done"
        yield  # pragma: no cover - makes this a generator

    assert run(root())[1] == (True, "done")


def test_an_exception_from_the_root_propagates_out_of_run():
    def root():
        yield Sleep(1)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        Scheduler(START).run(root())


# --- Join -------------------------------------------------------------------------------------

def test_join_returns_results_in_child_order_not_finishing_order():
    def child(name, ms):
        yield Sleep(ms)
        return name

    def root():
        return (yield Join([child("a", 300), child("b", 100), child("c", 200)]))

    assert run(root())[1] == (True, ["a", "b", "c"])


def test_join_waits_for_the_slowest_child():
    clock = Scheduler(START)

    def child(ms):
        yield Sleep(ms)

    def root():
        yield Join([child(300), child(100), child(200)])
        return clock.now

    assert clock.run(root()) == (True, START + 300)


def test_join_of_no_children_returns_an_empty_list_at_once():
    clock = Scheduler(START)

    def root():
        results = yield Join([])
        return results, clock.now

    assert clock.run(root()) == (True, ([], START))


def test_unlimited_concurrency_starts_every_child_at_the_same_moment():
    clock = Scheduler(START)
    started = []

    def child(i):
        started.append((i, clock.now - START))
        yield Sleep(10)

    def root():
        yield Join([child(i) for i in range(4)], 0)
        return clock.now - START

    assert clock.run(root()) == (True, 10)
    assert started == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_max_concurrency_limits_how_many_children_run_at_once():
    clock = Scheduler(START)
    started = []

    def child(i):
        started.append((i, clock.now - START))
        yield Sleep(10)

    def root():
        yield Join([child(i) for i in range(5)], 2)
        return clock.now - START

    assert clock.run(root()) == (True, 30)
    assert started == [(0, 0), (1, 0), (2, 10), (3, 10), (4, 20)]


def test_max_concurrency_one_runs_children_one_after_another():
    clock = Scheduler(START)
    spans = []

    def child(i, ms):
        begin = clock.now - START
        yield Sleep(ms)
        spans.append((i, begin, clock.now - START))

    def root():
        yield Join([child(0, 5), child(1, 1), child(2, 3)], 1)

    clock.run(root())
    assert spans == [(0, 0, 5), (1, 5, 6), (2, 6, 9)]


def test_a_finished_child_frees_its_slot_for_the_next_pending_one():
    clock = Scheduler(START)
    started = {}

    def child(i, ms):
        started[i] = clock.now - START
        yield Sleep(ms)

    def root():
        # slot 0: child 0 (100 ms); slot 1: child 1 (10 ms) then child 2 from t=10
        yield Join([child(0, 100), child(1, 10), child(2, 10)], 2)

    clock.run(root())
    assert started == {0: 0, 1: 0, 2: 10}


def test_joins_nest():
    def leaf(v, ms):
        yield Sleep(ms)
        return v

    def branch(prefix):
        return (yield Join([leaf(prefix + "1", 2), leaf(prefix + "2", 1)]))

    def root():
        return (yield Join([branch("a"), branch("b")]))

    assert run(root())[1] == (True, [["a1", "a2"], ["b1", "b2"]])


# --- fail fast --------------------------------------------------------------------------------

def test_a_failing_child_is_reported_to_the_parent_as_child_failed():
    def bad():
        yield Sleep(1)
        raise KeyError("k")

    def good():
        yield Sleep(1)
        return 1

    def root():
        try:
            yield Join([good(), bad()])
        except ChildFailed as failed:
            return failed.index, type(failed.error).__name__

    assert run(root())[1] == (True, (1, "KeyError"))


def test_a_failing_child_closes_its_running_siblings_with_generator_exit():
    seen = []

    def bad():
        yield Sleep(10)
        raise RuntimeError("boom")

    def slow(name):
        try:
            yield Sleep(1_000)
        except GeneratorExit:
            seen.append(name)
            raise
        seen.append(name + " finished")  # pragma: no cover - must never happen

    def root():
        try:
            yield Join([slow("a"), bad(), slow("c")])
        except ChildFailed:
            return "failed"

    clock, outcome = run(root())
    assert outcome == (True, "failed")
    assert sorted(seen) == ["a", "c"]


def test_the_parent_resumes_at_the_moment_the_child_failed():
    clock = Scheduler(START)

    def bad():
        yield Sleep(10)
        raise RuntimeError("boom")

    def slow():
        yield Sleep(1_000)

    def root():
        try:
            yield Join([slow(), bad()])
        except ChildFailed:
            return clock.now - START

    assert clock.run(root()) == (True, 10)


def test_pending_children_never_start_after_a_sibling_failed():
    started = []

    def child(i):
        started.append(i)
        yield Sleep(10)
        if i == 0:
            raise RuntimeError("first fails")

    def root():
        try:
            yield Join([child(i) for i in range(4)], 1)
        except ChildFailed as failed:
            return failed.index

    assert run(root())[1] == (True, 0)
    assert started == [0]


def test_closing_a_sibling_also_closes_the_children_it_is_waiting_on_innermost_first():
    closed = []

    def grandchild(name):
        try:
            yield Sleep(1_000)
        except GeneratorExit:
            closed.append(name)
            raise

    def waiting_sibling():
        try:
            yield Join([grandchild("g1"), grandchild("g2")])
        except GeneratorExit:
            closed.append("sibling")
            raise

    def bad():
        yield Sleep(5)
        raise RuntimeError("boom")

    def root():
        try:
            yield Join([waiting_sibling(), bad()])
        except ChildFailed:
            return "failed"

    assert run(root())[1] == (True, "failed")
    assert closed == ["g1", "g2", "sibling"]


# --- deadline ---------------------------------------------------------------------------------

def test_a_deadline_stops_the_run_and_reports_it_unfinished():
    clock = Scheduler(START)

    def root():
        yield Sleep(100_000)
        return "too late"  # pragma: no cover

    assert clock.run(root(), deadline_ms=START + 10_000) == (False, None)
    assert clock.now == START + 10_000


def test_a_deadline_closes_the_work_still_running():
    closed = []

    def child():
        try:
            yield Sleep(100_000)
        except GeneratorExit:
            closed.append("child")
            raise

    def root():
        try:
            yield Join([child()])
        except GeneratorExit:
            closed.append("root")
            raise

    clock, outcome = run(root(), deadline_ms=START + 10)
    assert outcome == (False, None)
    assert closed == ["child", "root"]


def test_work_finishing_exactly_at_the_deadline_counts_as_finished():
    clock = Scheduler(START)

    def root():
        yield Sleep(10_000)
        return "on time"

    assert clock.run(root(), deadline_ms=START + 10_000) == (True, "on time")


# --- determinism ------------------------------------------------------------------------------

def _trace_program(log, clock):
    def child(name, steps):
        for ms in steps:
            log.append((clock.now - START, name))
            yield Sleep(ms)
        return name

    def root():
        return (yield Join([child("a", [3, 1, 2]), child("b", [1, 1, 4]), child("c", [2, 2, 2]),
                            child("d", [0, 3, 3])], 3))
    return root()


def test_the_same_program_interleaves_identically_every_time():
    traces = []
    for _ in range(5):
        log = []
        clock = Scheduler(START)
        clock.run(_trace_program(log, clock))
        traces.append(log)
    assert all(trace == traces[0] for trace in traces)


def test_children_waking_at_the_same_time_resume_in_the_order_they_went_to_sleep():
    clock = Scheduler(START)
    order = []

    def child(name):
        yield Sleep(10)
        order.append(name)

    def root():
        yield Join([child("x"), child("y"), child("z")])

    clock.run(root())
    assert order == ["x", "y", "z"]
