"""Transitions: targets, reachability, terminal states, branch boundaries, duplicate names and
closed loops (ASL201-207)."""
from aslsim.validate import validate_definition


def found(definition):
    return [(d.code, d.severity, d.pointer, d.message) for d in validate_definition(definition)]


def test_next_to_a_missing_state_suggests_the_closest_name():
    diagnostics = validate_definition({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Fnish"}, "Finish": {"Type": "Succeed"}}})
    d, unreachable = diagnostics
    assert (unreachable.code, unreachable.pointer) == ("ASL202", "/States/Finish")
    assert (d.code, d.pointer, d.state, d.message, d.hint) == (
        "ASL201", "/States/A/Next", "A", "Next 'Fnish' does not name a state in the state machine",
        "did you mean 'Finish'?")


def test_unreferenced_state_is_an_error_and_one_reached_only_from_it_a_warning():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Succeed"},
        "Orphan": {"Type": "Pass", "Next": "Child"},
        "Child": {"Type": "Succeed"}}}
    assert found(definition) == [
        ("ASL202", "error", "/States/Orphan", 'State "Orphan" is not reachable: no transition leads to it'),
        ("ASL202", "warning", "/States/Child",
         "state 'Child' is not reachable: only unreachable states lead to it")]


def test_catch_and_choice_transitions_make_states_reachable():
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "C",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Done"}],
              "Default": "Failed"},
        "Done": {"Type": "Succeed"}, "Failed": {"Type": "Fail"}}}
    assert found(definition) == []


def test_a_branch_without_terminal_state():
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Pass", "Next": "X"}}}]}}}
    codes = [(c, s, p) for c, s, p, _ in found(definition)]
    assert ("ASL203", "error", "/States/P/Branches/0/States") in codes
    assert ("ASL207", "warning", "/States/P/Branches/0/States/X") in codes


def test_transition_out_of_a_map_processor_crosses_the_boundary():
    definition = {"StartAt": "M", "States": {
        "M": {"Type": "Map", "Next": "After", "ItemProcessor": {"StartAt": "In", "States": {
            "In": {"Type": "Pass", "Next": "After"}}}},
        "After": {"Type": "Succeed"}}}
    [d] = [d for d in validate_definition(definition) if d.code == "ASL205"]
    assert (d.pointer, d.state, d.message) == (
        "/States/M/ItemProcessor/States/In/Next", "In",
        "Next 'After' names a state of the state machine, not of the processor of Map state 'M'; "
        "a transition cannot cross a Parallel branch or Map processor boundary")


def test_transition_into_a_parallel_branch_crosses_the_boundary():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Inner"},
        "P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Inner", "States": {"Inner": {"Type": "Succeed"}}}]}}}
    assert ("ASL205", "/States/A/Next") in [(c, p) for c, _, p, _ in found(definition)]


def test_duplicate_state_names_across_branches():
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "Done", "Branches": [
        {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}]}, "Done": {"Type": "Succeed"}}}
    [d] = [d for d in validate_definition(definition) if d.code == "ASL206"]
    assert (d.pointer, d.message) == ("/States/Done", "the state name 'Done' is already used at "
                                      "/States/P/Branches/0/States/Done; state names must be "
                                      "unique across the whole state machine")


def test_a_loop_with_no_way_out_is_a_warning():
    definition = {"StartAt": "Start", "States": {
        "Start": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": True,
                                                 "Next": "Poll"}], "Default": "Done"},
        "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Poll"},
        "Done": {"Type": "Succeed"}}}
    assert found(definition) == [
        ("ASL207", "warning", "/States/Poll", "the states 'Poll', 'Wait' only lead to each other: "
         "once entered, the execution never ends normally")]


def test_a_polling_loop_with_an_exit_is_fine():
    definition = {"StartAt": "Poll", "States": {
        "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ready?"},
        "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": True,
                                                  "Next": "Done"}], "Default": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Poll"},
        "Done": {"Type": "Succeed"}}}
    assert found(definition) == []
