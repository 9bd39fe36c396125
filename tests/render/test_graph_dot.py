"""DOT output: Graphviz's ``dot -Tsvg`` renders it without a warning, names and shapes intact."""
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import aslsim
from aslsim.render import dot, graph_model
from graph_fixtures import ROOT, any_machine  # noqa: F401  (fixture)
from render_machines import HOSTILE_NAMES, hostile_machine, random_machine

SVG = "{http://www.w3.org/2000/svg}"


def graphviz(text: str) -> ET.Element:
    """Graphviz's SVG for DOT text; fails on any warning or error Graphviz prints."""
    if shutil.which("dot") is None:
        pytest.fail("Graphviz is not installed: run scripts/install-test-tools.sh")
    run = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return ET.fromstring(run.stdout)


def drawn(svg: ET.Element, kind: str) -> list:
    """Graphviz's node, edge or cluster groups, as (<title> (the DOT id), group)."""
    return [(g.find(f"{SVG}title").text, g) for g in svg.iter(f"{SVG}g") if g.get("class") == kind]


def test_graphviz_renders_every_machine_without_warnings(any_machine):
    model = graph_model.build(any_machine)
    svg = graphviz(dot.render(model))
    nodes = drawn(svg, "node")
    assert len(nodes) == len(model.nodes) + 1 + any(e.kind == "end" for e in model.edges)
    assert len(drawn(svg, "edge")) == len(model.edges)
    assert len(drawn(svg, "cluster")) == len(model.clusters)


def test_names_survive_escaping():
    model = graph_model.build(aslsim.load(hostile_machine()))
    svg = graphviz(dot.render(model))
    texts = {}
    for node_id, group in drawn(svg, "node"):
        texts[node_id] = [t.text for t in group.iter(f"{SVG}text")]
    for name, node in model.nodes.items():
        assert texts[f"s{node.index}"][0] == name, name
    catch_labels = [t.text for _, g in drawn(svg, "edge") for t in g.iter(f"{SVG}text")]
    assert 'Custom."Error" <x>' in catch_labels
    assert sorted(model.nodes) == sorted(HOSTILE_NAMES)


def test_quote_doubles_backslashes_and_escapes_quotes():
    assert dot.quote('a "b" \\n c') == '"a \\"b\\" \\\\n c"'
    assert dot.quote("two\nlines") == '"two\\nlines"'


def test_shapes_follow_the_state_type():
    text = dot.render(graph_model.build(aslsim.load(ROOT / "statemachines" / "car_lookup.asl.json")))
    assert 's1 [label="Check API Status Code", tooltip="Choice", shape=diamond' in text
    assert 's5 [label="Car Lookup Failed", tooltip="Fail", shape=octagon' in text
    assert 's0 [label="Lambda Invoke\\nlambda:invoke", tooltip="Task", shape=box' in text
    assert 's1 -> s4 [label="Default", style=bold];' in text
    assert 's0 -> s4 [label="States.ALL", style=dashed, color="#dc2626", fontcolor="#dc2626"];' in text
    assert 's0 -> s0 [label="retry ×3", style=dotted' in text


def test_a_parallel_is_a_cluster_and_its_edges_leave_from_the_box():
    text = dot.render(graph_model.build(aslsim.load(ROOT / "statemachines" / "nightly_parallel_copy.asl.json")))
    assert "  compound=true;" in text
    assert "  subgraph cluster_c0 {" in text and "    subgraph cluster_c0b4 {" in text
    assert "  s0 -> s1 [color=" in text                       # into each branch
    assert "  s0 -> s6 [ltail=cluster_c0];" in text


@pytest.mark.parametrize("seed", range(0, 40, 4))
def test_graphviz_renders_random_machines_without_warnings(seed):
    model = graph_model.build(aslsim.load(random_machine(seed)))
    svg = graphviz(dot.render(model))
    assert len(drawn(svg, "edge")) == len(model.edges)
