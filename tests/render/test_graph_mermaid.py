"""Mermaid output: parsed by Mermaid's own parser (node), and checked line by line in Python."""
import re

import aslsim
from aslsim.render import graph_model, mermaid
from graph_fixtures import MACHINE_IDS, ROOT, any_machine, load_machine, mermaid_parser  # noqa: F401
from render_machines import HOSTILE_NAMES, hostile_machine, random_machine

_OPEN_CLOSE = {"((": "))", "([": "])", "[[": "]]", "{{": "}}", "[": "]", "(": ")", "{": "}"}
_NODE = re.compile(r'^(?P<id>[A-Za-z_]\w*)(?P<open>\(\(|\(\[|\[\[|\{\{|\[|\(|\{)"(?P<label>[^"]*)"'
                   r'(?P<close>\)\)|\]\)|\]\]|\}\}|\]|\)|\})(?::::(?P<cls>\w+))?$')
_EDGE = re.compile(r'^(?P<a>[A-Za-z_]\w*) (?P<arrow>-->|-\.->)(?:\|"(?P<label>[^"]*)"\|)? (?P<b>[A-Za-z_]\w*)$')
_SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z_]\w*)\["(?P<label>[^"]*)"\]$')


def check_syntax(text: str) -> dict:
    """A strict check of the subset of Mermaid flowchart syntax aslsim writes; returns what it read."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    ids, edges, classes_used, classes_defined, depth, link_styles = set(), [], set(), set(), 0, []
    labels = []
    for line in (raw.strip() for raw in lines[1:]):
        if match := _NODE.match(line):
            assert _OPEN_CLOSE[match["open"]] == match["close"], line
            assert match["id"] not in ids, f"id defined twice: {line}"
            ids.add(match["id"])
            labels.append(match["label"])
            if match["cls"]:
                classes_used.add(match["cls"])
        elif match := _SUBGRAPH.match(line):
            assert match["id"] not in ids, line
            ids.add(match["id"])
            labels.append(match["label"])
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif line == "direction TB" or line.startswith(("style ", "classDef ")):
            if line.startswith("classDef "):
                classes_defined.add(line.split()[1])
        elif line.startswith("class "):
            _, members, name = line.split(" ")
            classes_used.add(name)
            assert set(members.split(",")) <= ids, line
        elif line.startswith("linkStyle "):
            link_styles += [int(i) for i in line.split()[1].split(",")]
        elif match := _EDGE.match(line):
            edges.append((match["a"], match["arrow"], match["label"], match["b"]))
            if match["label"] is not None:
                labels.append(match["label"])
        else:
            raise AssertionError(f"not a line aslsim's Mermaid should contain: {line!r}")
    assert depth == 0, "subgraph without end"
    assert all(a in ids and b in ids for a, _, _, b in edges), "an edge names an undefined node"
    assert classes_used <= classes_defined
    assert all(0 <= i < len(edges) for i in link_styles)
    for label in labels:       # entity-coded: nothing Mermaid or HTML would read as syntax
        assert not set(label) & set('"<&`|\n'), label
    return {"ids": ids, "edges": edges, "labels": labels}


def test_output_is_valid_mermaid_for_every_machine(any_machine):
    check_syntax(mermaid.render(graph_model.build(any_machine)))


def test_mermaids_own_parser_accepts_every_machine(mermaid_parser):
    texts = [mermaid.render(graph_model.build(load_machine(m))) for m in MACHINE_IDS]
    broken = "flowchart TD\n  a[\"unclosed --> b\n"
    results = mermaid_parser(texts + [broken])
    assert dict(zip(MACHINE_IDS, results)) == {m: None for m in MACHINE_IDS}
    assert results[-1] is not None and "Parse error" in results[-1]   # the parser does check


def test_node_and_edge_counts_equal_the_model(any_machine):
    model = graph_model.build(any_machine)
    read = check_syntax(mermaid.render(model))
    # a node or a subgraph per state, plus Start and End
    assert len(read["ids"] - {"start_", "end_"}) == len(model.nodes) + sum(
        1 for c in model.clusters.values() if c.kind == "branch")
    drawn = [e for e in model.edges if not (e.kind == "start" and e.source)
             and not (e.kind == "retry" and model.nodes[e.source].container)]
    assert len(read["edges"]) == len(drawn)


def test_car_lookup_reads_as_expected():
    text = mermaid.render(graph_model.build(aslsim.load(ROOT / "statemachines" / "car_lookup.asl.json")))
    assert '  s1{"Check API Status Code"}:::choice' in text
    assert '  s5[["Car Lookup Failed"]]:::fail' in text
    assert '  s1 -->|"$statusCode = 200"| s2' in text
    assert '  s1 -->|"Default"| s4' in text
    assert '  s0 -.->|"States.ALL"| s4' in text          # Catch: dotted, its errors
    assert '  s0 -.->|"retry ×3"| s0' in text            # Retry: a self-loop
    assert "  start_ --> s0" in text and "  s5 --> end_" in text
    # catch edges red, retry loops orange, by their index among the edges
    assert "  linkStyle 3,8 stroke:#dc2626,color:#dc2626" in text
    assert "  linkStyle 2,7 stroke:#d97706,color:#d97706" in text


def test_parallel_branches_are_subgraphs_and_edges_attach_to_the_parallel():
    text = mermaid.render(graph_model.build(aslsim.load(ROOT / "statemachines" / "nightly_parallel_copy.asl.json")))
    assert '  subgraph s0["Parallel: Copy tables"]' in text
    assert '    subgraph s0_c0b0["Branch 1"]' in text
    assert '      s1["Copy tables batch 1"]:::task' in text
    assert "  start_ --> s0" in text and "  s0 --> s6" in text
    assert '  s0 -.->|"States.ALL"| s7' in text


def test_comparison_operators_stay_readable_in_the_source():
    text = mermaid.render(graph_model.build(aslsim.load(ROOT / "statemachines" / "file_size_check.asl.json")))
    assert '|"$ > 2097152"|' in text
    assert '|"$ #lt;= 2097152"|' in text       # "<" would open an HTML tag


def test_hostile_names_are_entity_coded_and_ids_generated():
    text = mermaid.render(graph_model.build(aslsim.load(hostile_machine())))
    read = check_syntax(text)
    assert read["ids"] == {"start_", "end_", *(f"s{i}" for i in range(10)), "s3_c0b0"}
    assert '"say #quot;hi#quot; #lt;b>bold#lt;/b> #amp; \'bye\'"' in text
    assert '["Map: #35;35; #35;quot; entity-looking"]' in text
    assert '"#124;pipe#124; [square] {curly} (round) ;semi"' in text
    assert '"日本語の状態 ✓"' in text

    def decoded(label):
        return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label.replace("#quot;", '"')
                      .replace("#lt;", "<").replace("#amp;", "&"))
    shown = {decoded(label) for label in read["labels"]}
    for name in HOSTILE_NAMES:
        assert name in shown or f"Map: {name}" in shown or f"Parallel: {name}" in shown, name


def test_mermaids_own_parser_accepts_random_machines(mermaid_parser):
    texts = [mermaid.render(graph_model.build(aslsim.load(random_machine(seed)))) for seed in range(40)]
    for text in texts:
        check_syntax(text)
    assert mermaid_parser(texts) == [None] * len(texts)
