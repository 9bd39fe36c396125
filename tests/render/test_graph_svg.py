"""SVG output and its layout: well-formed XML with the report's contract, boxes that don't collide."""
import itertools
import xml.etree.ElementTree as ET

import pytest

import aslsim
from aslsim.render import dot, graph_model, layout, mermaid, svg
from graph_fixtures import ROOT, any_machine  # noqa: F401  (fixture)
from render_machines import HOSTILE_NAMES, hostile_machine, random_machine

NS = "{http://www.w3.org/2000/svg}"


def groups(root: ET.Element, first_class: str) -> list:
    return [g for g in root.iter(f"{NS}g") if (g.get("class") or "").split()[:1] == [first_class]]


def parse(machine, **options):
    model = graph_model.build(machine)
    return model, ET.fromstring(svg.render(model, **options))


def test_every_state_edge_and_cluster_is_drawn_with_the_contracts_attributes(any_machine):
    model, root = parse(any_machine)
    states = groups(root, "state")
    assert [g.get("data-state") for g in states] == list(model.nodes)
    for g, node in zip(states, model.nodes.values()):
        assert g.get("class") == f"state state-{node.type.lower()}"
        assert g.get("id") == f"s-{node.index}"
        assert g.find(f"{NS}title").text == f"{node.name} ({node.type})"
    edges = groups(root, "edge")
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-kind")) for g in edges] == [
        (e.source, e.target, e.kind) for e in model.edges]
    for g, edge in zip(edges, model.edges):
        assert g.get("class") == f"edge edge-{edge.kind}"
        assert g.find(f"{NS}path").get("d").startswith("M")
        label = g.find(f"{NS}text")
        assert (label.text if label is not None else "") == edge.label
    clusters = groups(root, "cluster")
    assert sorted((g.get("class"), g.get("data-state")) for g in clusters) == sorted(
        (f"cluster cluster-{c.kind}", c.state) for c in model.clusters.values())
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_hostile_names_round_trip_through_xml():
    model, root = parse(aslsim.load(hostile_machine()))
    assert sorted(g.get("data-state") for g in groups(root, "state")) == sorted(HOSTILE_NAMES)
    assert not list(root.iter(f"{NS}script"))
    texts = {t.text for t in root.iter(f"{NS}text")}
    assert "日本語の状態 ✓" in texts and 'say "hi" <b>bold</b> & \'bye\'' in texts


def test_the_overlay_adds_classes_and_badges():
    machine = aslsim.load(ROOT / "statemachines" / "car_lookup.asl.json")
    overlay = {"Lambda Invoke": {"css": "visited retried", "badge": "×3"},
               "SNS Publish: Fail": {"css": "failed"},
               "edges": {("", "Lambda Invoke"): "visited", ("Lambda Invoke", "SNS Publish: Fail"): "visited"}}
    _, root = parse(machine, overlay=overlay)
    by_name = {g.get("data-state"): g for g in groups(root, "state")}
    assert by_name["Lambda Invoke"].get("class") == "state state-task visited retried"
    badge, = [g for g in by_name["Lambda Invoke"].iter(f"{NS}g") if g.get("class") == "badge"]
    assert badge.find(f"{NS}text").text == "×3"
    assert by_name["SNS Publish: Fail"].get("class") == "state state-task failed"
    assert by_name["DynamoDB PutItem"].get("class") == "state state-task"
    marked = [(g.get("data-from"), g.get("data-to"), g.get("class")) for g in groups(root, "edge")
              if "visited" in g.get("class")]
    assert marked == [("", "Lambda Invoke", "edge edge-start visited"),
                      ("Lambda Invoke", "SNS Publish: Fail", "edge edge-catch visited")]


def test_a_state_named_edges_can_be_overlaid():
    machine = aslsim.load({"StartAt": "edges", "States": {"edges": {"Type": "Succeed"}}})
    _, root = parse(machine, overlay={"edges": {"css": "visited"}})
    state, = groups(root, "state")
    assert state.get("class") == "state state-succeed visited"


def boxes_collide(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_layout_boxes_do_not_overlap_and_clusters_hold_their_states(any_machine):
    model = graph_model.build(any_machine)
    placed = layout.compute(model)
    # boxes side by side in one block: the states and clusters directly inside it
    blocks = {}
    for name, node in model.nodes.items():
        box = placed.clusters[node.container] if node.container else placed.nodes[name]
        blocks.setdefault(node.cluster, []).append((name, box))
    for cluster in model.clusters.values():
        if cluster.kind == "branch":
            blocks.setdefault(cluster.parent, []).append((cluster.id, placed.clusters[cluster.id]))
    blocks.setdefault(None, []).append(("Start", placed.start))
    for members in blocks.values():
        for (a, box_a), (b, box_b) in itertools.combinations(members, 2):
            assert not boxes_collide(box_a, box_b), (a, b)
    for name, node in model.nodes.items():
        if node.cluster is not None:
            outer, inner = placed.clusters[node.cluster], placed.nodes[name]
            assert outer.x < inner.x and inner.right < outer.right
            assert outer.y < inner.y and inner.bottom < outer.bottom
    everything = [*placed.nodes.values(), *placed.clusters.values()]
    assert all(0 <= b.x and b.right <= placed.width and 0 <= b.y and b.bottom <= placed.height
               for b in everything)


def test_ranks_follow_the_flow_and_a_loop_goes_back_up():
    machine = aslsim.load(ROOT / "statemachines" / "batch_loop.asl.json")
    model = graph_model.build(machine)
    placed = layout.compute(model)
    order = ["Start from the given id", "Copy the next batch", "More records?", "All records copied"]
    tops = [placed.nodes[name].y for name in order]
    assert placed.start.bottom < tops[0] and tops == sorted(tops) and tops[-1] < placed.end.y
    loop, = [r for e, r in zip(model.edges, placed.routes) if e.kind == "choice"]
    assert loop.points[0][1] > loop.points[-1][1]            # drawn upwards, into the loop's start


def test_a_choice_fans_out_over_its_bottom_border():
    machine = aslsim.load(ROOT / "statemachines" / "file_size_check.asl.json")
    model = graph_model.build(machine)
    placed = layout.compute(model)
    starts = [r.points[0] for e, r in zip(model.edges, placed.routes) if e.source == "ChoiceState"]
    box = placed.nodes["ChoiceState"]
    assert len({x for x, _ in starts}) == 3
    assert all(box.x < x < box.right and y == box.bottom for x, y in starts)


def test_a_branch_that_ends_halfway_down_is_laid_out():
    """A state with no successor above the bottom rank of its block (here a Succeed beside a chain)."""
    machine = aslsim.load({"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.skip", "BooleanEquals": True, "Next": "Skip"}],
                  "Default": "One"},
            "Skip": {"Type": "Succeed"},
            "One": {"Type": "Pass", "Next": "Two"},
            "Two": {"Type": "Pass", "End": True}}}}}})
    model, root = parse(machine)
    assert sorted(g.get("data-state") for g in groups(root, "state")) == ["C", "M", "One", "Skip", "Two"]
    placed = layout.compute(model)
    assert placed.nodes["Skip"].cy == placed.nodes["One"].cy < placed.nodes["Two"].cy


@pytest.mark.parametrize("seed", range(40))
def test_random_machines_are_drawn_in_every_format_without_collisions(seed):
    machine = aslsim.load(random_machine(seed))
    model = graph_model.build(machine)
    placed = layout.compute(model)
    test_layout_boxes_do_not_overlap_and_clusters_hold_their_states(machine)
    root = ET.fromstring(svg.render(model, layout=placed))
    assert len(groups(root, "state")) == len(model.nodes)
    assert len(groups(root, "edge")) == len(model.edges)
    assert mermaid.render(model).startswith("flowchart TD\n") and dot.render(model).startswith("digraph")


def test_a_branch_is_ranked_from_its_start_at_not_its_first_state():
    machine = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "First", "States": {
            "Again?": {"Type": "Choice", "Default": "Done",
                       "Choices": [{"Variable": "$.again", "BooleanEquals": True, "Next": "First"}]},
            "First": {"Type": "Pass", "Next": "Again?"},
            "Done": {"Type": "Succeed"}}}]}}})
    placed = layout.compute(graph_model.build(machine))
    assert placed.nodes["First"].y < placed.nodes["Again?"].y < placed.nodes["Done"].y
