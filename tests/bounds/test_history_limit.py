"""The 25,000-event history of a STANDARD execution, exactly: never more events, and the last
one ExecutionFailed, also when the limit is met while many branches and iterations are open
(their Aborted events would pile up past it)."""
import aslsim

LIMIT = 25_000


def a_map(prefix: str = "") -> dict:
    return {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0, "End": True,
            "ItemProcessor": {"StartAt": prefix + "Hold", "States": {
                prefix + "Hold": {"Type": "Wait", "Seconds": 1, "Next": prefix + "Done"},
                prefix + "Done": {"Type": "Pass", "End": True}}}}


def waiting_map(items: int, *, inside_parallel: bool = False):
    each = a_map()
    if inside_parallel:
        each = {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "First", "States": {"First": a_map("1")}},
            {"StartAt": "Second", "States": {"Second": a_map("2")}}]}
    return aslsim.load({"StartAt": "Each", "States": {"Each": each}}), {"items": list(range(items))}


def assert_full(ex):
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == "The execution reached the maximum number of history events (25000)."
    assert len(ex.history) == LIMIT
    assert ex.history[-1]["type"] == "ExecutionFailed"
    assert [e["id"] for e in ex.history] == list(range(1, LIMIT + 1))


def test_a_map_with_thousands_of_open_iterations_stops_at_exactly_25000_events():
    machine, data = waiting_map(5000)
    assert_full(machine.run(data))


def test_nested_maps_in_a_parallel_stop_at_exactly_25000_events():
    machine, data = waiting_map(3000, inside_parallel=True)
    assert_full(machine.run(data))


def test_an_execution_of_24999_events_and_its_end_succeeds():
    # a Pass chain: ExecutionStarted, 2 events per state, ExecutionSucceeded
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(12_498)}
    states["S12498"] = {"Type": "Pass", "End": True}
    ex = aslsim.load({"StartAt": "S0", "States": states}).run({})
    assert ex.status == "SUCCEEDED" and len(ex.history) == LIMIT


def test_express_executions_have_no_history_limit():
    machine, data = waiting_map(7000)
    ex = machine.run(data, execution_type="EXPRESS")
    assert ex.status == "SUCCEEDED" and len(ex.history) > LIMIT
