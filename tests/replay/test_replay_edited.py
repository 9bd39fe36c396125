"""Definitions edited on purpose diverge from AWS's recorded histories at the right event.

Every recorded history that replays as "same" is tried with three edits of its definition, where
the edit applies: a Pass state added after a top-level state the execution left by its Next; the
Choice rule the execution took negated; the Catch that caught an error removed. The divergence
must be reported at the event where the edit first shows.
"""
import copy
import json

import pytest

from aslsim.definition.acceptance import unnamed_states

from replay_recorded import SHARED, eligible, replay_case

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared/conformance is not beside this checkout")


def _details(event):
    return next((v for k, v in event.items() if k.endswith("EventDetails")), {}) or {}


def _top_level_exits(case, history):
    """(index, state name) of recorded StateExited events of top-level states."""
    states = case["definition"]["States"]
    return [(i, _details(e).get("name")) for i, e in enumerate(history["events"])
            if e["type"].endswith("StateExited") and _details(e).get("name") in states]


def _add_state(case, history):
    """A Pass added after the first top-level state left by its Next: the recorded event after
    that state's exit is where the local run enters the new state instead."""
    for index, name in _top_level_exits(case, history):
        state = case["definition"]["States"][name]
        following = history["events"][index + 1] if index + 1 < len(history["events"]) else {}
        if "Next" in state and state.get("Type") != "Choice" and _details(following).get("name") == state["Next"]:
            edited = copy.deepcopy(case["definition"])
            edited["States"]["AddedOnPurpose"] = {"Type": "Pass", "Next": state["Next"]}
            edited["States"][name]["Next"] = "AddedOnPurpose"
            return edited, {following["id"]}, "AddedOnPurpose"
    return None


def _negate_choice(case, history):
    """The rule the execution took (at a Choice's first visit), negated: the run goes elsewhere
    after the Choice, or the Choice fails (no rule matches) where it exited."""
    events = history["events"]
    states = case["definition"]["States"]
    seen = set()
    for index, name in _top_level_exits(case, history):
        state = states[name]
        if state.get("Type") != "Choice" or index + 1 >= len(events) or name in seen:
            seen.add(name)
            continue
        seen.add(name)
        taken = _details(events[index + 1]).get("name")
        rules = [i for i, rule in enumerate(state["Choices"]) if rule.get("Next") == taken]
        if len(rules) != 1 or any(r.get("Next") == taken for i, r in enumerate(state["Choices"]) if i != rules[0]) \
                or state.get("Default") == taken or "Output" in state["Choices"][rules[0]]:
            continue
        edited = copy.deepcopy(case["definition"])
        rule = edited["States"][name]["Choices"][rules[0]]
        if "Condition" in rule:
            condition = rule["Condition"]
            inner = condition.strip()[2:-2].strip() if isinstance(condition, str) else json.dumps(condition)
            rule["Condition"] = "{% $not(" + inner + ") %}"
        else:
            condition = {k: v for k, v in rule.items() if k not in ("Next", "Assign")}
            for key in condition:
                del rule[key]
            rule["Not"] = condition
        return edited, {events[index]["id"], events[index + 1]["id"]}, name
    return None


def _remove_catch(case, history):
    """The Catch of a top-level state that caught an error removed: its recorded exit (the catch
    taking effect) is where the local execution fails instead."""
    events = history["events"]
    states = case["definition"]["States"]
    for index, name in _top_level_exits(case, history):
        state = states[name]
        failed = index > 0 and events[index - 1]["type"].endswith(("Failed", "TimedOut"))
        if state.get("Catch") and failed and not state.get("Retry"):
            edited = copy.deepcopy(case["definition"])
            del edited["States"][name]["Catch"]
            # AWS refuses a state nothing leads to: drop the handlers only the Catch reached
            while unnamed := unnamed_states(edited["States"], edited["StartAt"]):
                for orphan in unnamed:
                    del edited["States"][orphan]
            return edited, {events[index]["id"]}, name
    return None


EDITS = {"a state added": _add_state, "a Choice rule changed": _negate_choice, "a Catch removed": _remove_catch}


@pytest.fixture(scope="module")
def same_histories():
    out = []
    for case, history in eligible():
        if any(not isinstance(e["id"], int) for e in history["events"]):
            continue
        if replay_case(case, history).same:
            out.append((case, history))
    return out


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_definition_diverges_at_the_event_the_edit_changes(same_histories, edit):
    tried, wrong = 0, []
    for case, history in same_histories:
        change = EDITS[edit](case, history)
        if change is None:
            continue
        definition, expected_ids, state = change
        tried += 1
        result = replay_case({**case, "definition": definition}, history)
        at = result.divergence.recorded.id if result.divergence and result.divergence.recorded else None
        if result.same or at not in expected_ids:
            wrong.append(f"{history['id']}: expected the divergence at #{sorted(expected_ids)}, got "
                         f"{'same' if result.same else result.render()}")
    assert tried >= 3, f"too few histories to try {edit} on"
    assert not wrong, f"{len(wrong)} of {tried}:\n" + "\n".join(wrong[:5])
    print(f"\n{edit}: {tried} of {tried} edited definitions diverge at the right event")


def test_the_divergence_shows_the_state_the_field_and_both_values(same_histories):
    case, history = next((c, h) for c, h in same_histories if _add_state(c, h))
    definition, expected_ids, added = _add_state(case, history)
    divergence = replay_case({**case, "definition": definition}, history).divergence
    assert divergence.local.name == added and divergence.recorded.id in expected_ids
    assert ("stateEnteredEventDetails.name", divergence.recorded.name, added) in divergence.fields \
        or divergence.fields[0][0] == "type"
    text = divergence.render()
    assert f"local {divergence.local.label()}" in text and "recorded" in text
    assert json.dumps(divergence.to_dict())   # --format json carries it all
