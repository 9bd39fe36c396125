"""AWS's own histories replay as "same": every recorded history whose case passes conformance, in
the parsed form it is kept in and rewritten into the AWS CLI's text form.

A few cannot, each for a reason of its own, listed in NOT_SAME with that reason; the test fails
when one of them starts replaying as "same" too (then it belongs with the others) or when any
other history stops.
"""
import pytest

from replay_recorded import SHARED, as_cli_text, eligible, has_placeholder_ids, replay_case

NOT_SAME = {
    # recorded before AWS added RedriveCount to the Context object: the payload differs there
    "tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::TestBaseScenarios::"
    "test_lambda_service_invoke_with_retry_extended_input": "RedriveCount",
    # the recorded execution ran a definition without TimeoutSeconds; the case's has 600
    "tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.py::TestHeartbeats::"
    "test_heartbeat_no_timeout": "timeoutInSeconds",
}

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared/conformance is not beside this checkout")


def _figures():
    parsed, text, rewritable = [], [], 0
    for case, history in eligible():
        result = replay_case(case, history)
        parsed.append((history["id"], result))
        if has_placeholder_ids(history):
            continue   # a snapshot that lost its events' order cannot be written as the CLI's
        rewritable += 1
        times = [local.time_ms for _, local in result.pairs]
        times += [times[-1] if times else 0] * (len(history["events"]) - len(times))
        cli = as_cli_text(history, times, seed=len(history["events"]))
        text.append((history["id"], replay_case(case, history, text=cli)))
    return parsed, text, rewritable


@pytest.fixture(scope="module")
def figures():
    return _figures()


def _check(results):
    unexpected = [f"{case_id}\n{result.render()}" for case_id, result in results
                  if not result.same and case_id not in NOT_SAME]
    now_same = [case_id for case_id, result in results if result.same and case_id in NOT_SAME]
    assert not unexpected, f"{len(unexpected)} recorded histories do not replay as same:\n" + "\n\n".join(unexpected[:10])
    assert not now_same, "these replay as same now: take them out of NOT_SAME:\n" + "\n".join(now_same)
    for case_id, result in results:
        if case_id in NOT_SAME:
            assert NOT_SAME[case_id] in result.divergence.render(), result.render()


def test_recorded_histories_replay_as_same_in_the_parsed_form(figures):
    parsed, _, _ = figures
    assert len(parsed) >= 418
    _check(parsed)
    same = sum(r.same for _, r in parsed)
    print(f"\nparsed form: {same} of {len(parsed)} eligible recorded histories replay as same")


def test_recorded_histories_replay_as_same_in_the_cli_text_form(figures):
    _, text, rewritable = figures
    assert rewritable == len(text) >= 414
    _check(text)
    same = sum(r.same for _, r in text)
    print(f"\nCLI text form: {same} of {len(text)} rewritten histories replay as same")


def test_the_text_form_really_is_the_clis(figures):
    """Payloads are JSON text and timestamps real, so the reader took the text-form path."""
    _, text, _ = figures
    assert {result.recorded.form for _, result in text} == {"text"}
    assert all(result.recorded.started.time_ms is not None for _, result in text)
