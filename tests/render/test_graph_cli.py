"""``aslsim graph``: formats, -o, and a clear exit 2 for a definition it cannot draw."""
import json

from click.testing import CliRunner

from aslsim.cli import main
from graph_fixtures import ROOT

CAR_LOOKUP = ROOT / "statemachines" / "car_lookup.asl.json"


def graph(*args):
    return CliRunner().invoke(main, ["graph", *map(str, args)])


def test_mermaid_is_the_default_and_goes_to_stdout():
    result = graph(CAR_LOOKUP)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("flowchart TD\n")
    assert '  s1{"Check API Status Code"}:::choice\n' in result.stdout


def test_format_dot_and_svg():
    dot = graph(CAR_LOOKUP, "--format", "dot")
    assert dot.exit_code == 0 and dot.stdout.startswith('digraph "car_lookup" {\n')
    svg = graph(CAR_LOOKUP, "--format", "svg")
    assert svg.exit_code == 0 and svg.stdout.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_output_file_gets_the_html_page(tmp_path):
    target = tmp_path / "car_lookup.html"
    result = graph(CAR_LOOKUP, "--format", "html", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'data-state="Check API Status Code"' in page


def test_a_bad_definition_exits_2_naming_state_and_field(tmp_path):
    bad = tmp_path / "bad.asl.json"
    bad.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}))
    result = graph(bad)
    assert result.exit_code == 2
    assert result.stderr == (f"aslsim: {bad}: state 'A': field 'Next': Next 'Nowhere' does not name "
                             "a state in the same state machine\n")
    assert result.stdout == ""


def test_a_missing_file_exits_2(tmp_path):
    result = graph(tmp_path / "missing.asl.json")
    assert result.exit_code == 2
    assert result.stderr == f"aslsim: {tmp_path / 'missing.asl.json'}: no such file\n"


def test_an_unknown_format_is_refused_by_the_option():
    result = graph(CAR_LOOKUP, "--format", "png")
    assert result.exit_code == 2
    assert "'png' is not one of 'mermaid', 'dot', 'svg', 'html'" in result.stderr


def test_an_unwritable_output_exits_2(tmp_path):
    result = graph(CAR_LOOKUP, "-o", tmp_path / "no" / "such" / "dir.mmd")
    assert result.exit_code == 2
    assert "cannot write the graph" in result.stderr


def test_the_docs_example_is_what_the_command_prints():
    doc = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    block = doc.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block == graph(CAR_LOOKUP).stdout
