"""graph_model.build: one node per state, one edge per transition of the definition, readable labels."""
from collections import Counter

import pytest

import aslsim
from aslsim.render import graph_model
from graph_fixtures import ROOT, any_machine  # noqa: F401  (fixture)
from render_machines import LAMBDA


def expected_edges(definition: dict) -> Counter:
    """Edge kinds counted from the definition itself, independently of graph_model."""
    counts = Counter(start=1)

    def walk(states: dict, top: bool):
        for body in states.values():
            counts["next"] += "Next" in body and body["Type"] != "Choice"
            counts["choice"] += len(body.get("Choices", []))
            counts["default"] += "Default" in body
            counts["catch"] += len(body.get("Catch", []))
            counts["retry"] += bool(body.get("Retry"))
            counts["end"] += top and (body.get("End") is True or body["Type"] in ("Succeed", "Fail"))
            for branch in body.get("Branches", []):
                counts["start"] += 1
                walk(branch["States"], False)
            processor = body.get("ItemProcessor") or body.get("Iterator")
            if processor:
                counts["start"] += 1
                walk(processor["States"], False)
    walk(definition["States"], True)
    return +counts


def all_state_names(definition: dict) -> list:
    names = []
    for name, body in definition["States"].items():
        names.append(name)
        for branch in body.get("Branches", []):
            names += all_state_names(branch)
        processor = body.get("ItemProcessor") or body.get("Iterator")
        if processor:
            names += all_state_names(processor)
    return names


def test_every_state_is_a_node_with_its_type(any_machine):
    model = graph_model.build(any_machine)
    assert sorted(model.nodes) == sorted(all_state_names(any_machine.definition))
    for name, node in model.nodes.items():
        assert node.type == any_machine.states[name].type


def test_edges_by_kind_match_the_definition(any_machine):
    model = graph_model.build(any_machine)
    assert Counter(edge.kind for edge in model.edges) == expected_edges(any_machine.definition)


def test_every_edge_joins_states_of_the_model(any_machine):
    model = graph_model.build(any_machine)
    for edge in model.edges:
        assert edge.source in model.nodes or (edge.source == "" and edge.kind == "start")
        assert edge.target in model.nodes or (edge.target == "" and edge.kind == "end")


def rules(definition_choices, query_language="JSONPath"):
    machine = aslsim.load({"QueryLanguage": query_language, "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [dict(rule, Next="A") for rule in definition_choices],
              "Default": "A"},
        "A": {"Type": "Succeed"}}})
    return [e.label for e in graph_model.build(machine).edges if e.kind == "choice"]


def test_choice_comparisons_read_as_operators():
    assert rules([{"Variable": "$.size", "NumericGreaterThan": 1048576},
                  {"Variable": "$.size", "NumericLessThanEqualsPath": "$.limit"},
                  {"Variable": "$.name", "StringEquals": "a \"b\""},
                  {"Variable": "$.ok", "BooleanEquals": False},
                  {"Variable": "$.at", "TimestampGreaterThanEquals": "2025-01-01T00:00:00Z"}]) == [
        "$.size > 1048576", "$.size <= $.limit", '$.name == "a \\"b\\""', "$.ok == false",
        '$.at >= "2025-01-01T00:00:00Z"']


def test_choice_type_tests_and_matches_read_as_words():
    assert rules([{"Variable": "$.x", "IsPresent": False}, {"Variable": "$.x", "IsNull": True},
                  {"Variable": "$.file", "StringMatches": "*.csv"}]) == [
        "$.x is not present", "$.x is null", '$.file matches "*.csv"']


def test_and_or_not_combine_with_parentheses_where_needed():
    assert rules([{"And": [{"Variable": "$.a", "NumericEquals": 1},
                           {"Or": [{"Variable": "$.b", "IsNull": True},
                                   {"Not": {"Variable": "$.c", "IsNull": True}}]}]}]) == [
        '$.a == 1 and ($.b is null or not $.c is null)']


def test_long_rules_are_shortened_with_an_ellipsis():
    label, = rules([{"Or": [{"Variable": f"$.field_{i}", "StringEquals": "value"} for i in range(5)]}])
    assert len(label) == graph_model.LABEL_LIMIT and label.endswith("…")
    assert label.startswith('$.field_0 == "value" or $.field_1')


def test_a_jsonata_condition_is_shown_without_its_delimiters():
    assert rules([{"Condition": "{%  $states.input.size\n   > 10 %}"}], "JSONata") == [
        "$states.input.size > 10"]


def test_default_catch_and_retry_edges_are_labelled():
    machine = aslsim.load(ROOT / "statemachines" / "car_lookup.asl.json")
    edges = graph_model.build(machine).edges
    assert [(e.source, e.target, e.label) for e in edges if e.kind == "default"] == [
        ("Check API Status Code", "SNS Publish: Fail", "Default")]
    assert ("Lambda Invoke", "SNS Publish: Fail", "States.ALL") in [
        (e.source, e.target, e.label) for e in edges if e.kind == "catch"]
    assert ("Lambda Invoke", "Lambda Invoke", "retry ×3") in [
        (e.source, e.target, e.label) for e in edges if e.kind == "retry"]


def test_several_retriers_are_listed_in_one_loop():
    machine = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA, "End": True,
        "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 6},
                  {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]}}})
    retry, = [e for e in graph_model.build(machine).edges if e.kind == "retry"]
    assert retry.label == "retry Lambda.TooManyRequestsException ×6; State…"


def test_parallel_branches_and_map_processors_are_nested_clusters():
    machine = aslsim.load({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "M", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "B2"}, "B2": {"Type": "Pass", "End": True}}}]},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}}})
    model = graph_model.build(machine)
    clusters = {c.id: (c.kind, c.state, c.parent, c.members, c.children) for c in model.clusters.values()}
    assert clusters == {"c0": ("parallel", "P", None, [], ["c0b0", "c0b1"]),
                        "c0b0": ("branch", "P", "c0", ["A"], []),
                        "c0b1": ("branch", "P", "c0", ["B", "B2"], []),
                        "c1": ("map", "M", None, ["I"], [])}
    assert model.nodes["P"].container == "c0" and model.nodes["B2"].cluster == "c0b1"
    assert [(e.source, e.target) for e in model.edges if e.kind == "start"] == [
        ("", "P"), ("P", "A"), ("P", "B"), ("M", "I")]
    # a branch's last state ends its branch, not the execution
    assert [e.source for e in model.edges if e.kind == "end"] == ["M"]
    assert model.nodes["M"].detail == "distributed map"


@pytest.mark.parametrize("resource, shown", [
    ("arn:aws:states:::lambda:invoke", "lambda:invoke"),
    ("arn:aws:states:::aws-sdk:s3:getObject", "s3:getObject"),
    ("arn:aws:states:::glue:startJobRun.sync", "glue:startJobRun.sync"),
    ("arn:aws:lambda:eu-west-1:123456789012:function:checkSize", "lambda:checkSize"),
    ("arn:aws:states:eu-west-1:123456789012:activity:approve", "activity:approve"),
])
def test_a_tasks_resource_is_its_second_line(resource, shown):
    machine = aslsim.load({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}})
    assert graph_model.build(machine).nodes["T"].detail == shown


def test_jsonpath_and_jsonata_versions_of_a_machine_give_the_same_graph():
    def shape(file):
        model = graph_model.build(aslsim.load(ROOT / "statemachines" / file))
        return ([(n.name, n.type) for n in model.nodes.values()],
                [(e.source, e.target, e.kind) for e in model.edges])
    assert shape("one_time_scheduler.asl.json") == shape("one_time_scheduler_jsonata.asl.json")
