"""The static graph page: one file, no network, the SVG and a legend of what it uses."""
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import aslsim
from aslsim.render import graph_model, html
from graph_fixtures import ROOT, any_machine  # noqa: F401  (fixture)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


def page_of(machine):
    return html.render(graph_model.build(machine))


def test_the_page_needs_no_network(any_machine):
    page = page_of(any_machine)
    without_xmlns = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|//cdn|url\((?!#)", without_xmlns, re.IGNORECASE)
    tags = Tags()
    tags.feed(page)
    assert not [t for t, attrs in tags.seen if t in ("script", "link", "img", "iframe")]
    assert not [attrs for _, attrs in tags.seen if "src" in attrs or "href" in attrs]


def test_the_page_holds_the_svg_graph(any_machine):
    page = page_of(any_machine)
    svg_text = page[page.index("<svg"):page.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg_text)
    states = [g.get("data-state") for g in root.iter("{http://www.w3.org/2000/svg}g")
              if "state" in (g.get("class") or "").split()]
    assert sorted(states) == sorted(any_machine.states)


def test_the_legend_lists_the_state_types_and_edge_kinds_used():
    page = page_of(aslsim.load(ROOT / "statemachines" / "car_lookup.asl.json"))
    legend = page[page.index('<ul class="legend">'):page.index("</ul>")]
    assert re.findall(r"</span>([^<]+)</li>", legend) == [
        "Task", "Choice", "Fail", "Next", "Choice rule (labelled)", "Default", "Catch (its errors)",
        "Retry (loop, ×MaxAttempts)"]


def test_title_and_comment_are_escaped():
    machine = aslsim.load({"Comment": "copies <b>all</b> & more", "StartAt": "A",
                           "States": {"A": {"Type": "Succeed"}}}, name="<machine>")
    page = page_of(machine)
    assert "<title>&lt;machine&gt; - aslsim graph</title>" in page
    assert "<h1>&lt;machine&gt;</h1>" in page
    assert '<p class="comment">copies &lt;b&gt;all&lt;/b&gt; &amp; more</p>' in page
