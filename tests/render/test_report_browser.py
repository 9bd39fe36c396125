"""The HTML report in headless Chromium: the failed state in red, the error in the header, the
panel that shows a clicked state's input, no network, and a screenshot with the red where the
failed state is drawn.

Debian's chromium (scripts/install-test-tools.sh) driven by Playwright (the test extra);
Playwright's own browser download is never used. Set ASLSIM_DOCS_SCREENSHOT=1 to also save the
screenshot as docs/images/report.png.
"""
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

import aslsim

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "wordpress_raw_to_bronze"
DOCS_SCREENSHOT = ROOT / "docs" / "images" / "report.png"
# what a schedule may pass; the raw Lambda gets it as its Payload
INPUT = {"schedule": "wordpress-daily", "date": "2025-01-01"}
RAW, BRONZE = "data_wordpressapi_raw", "data_wordpressapi_bronze"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# no first-run work, no background network, no GPU: quick and quiet in a container
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for these tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the report's browser tests need playwright: pip install -e '.[test]'", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"the report's browser tests need Chromium at {CHROMIUM}: "
                    "bash scripts/install-test-tools.sh", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh offline page; ``page.requests`` lists every request it made (file: included)."""
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def is_failure_red(pixel) -> bool:
    # a failed state's outline is #b91c1c
    r, g, b = pixel
    return r > 150 and g < 80 and b < 80


@pytest.fixture(scope="module")
def bronze_gets_null(tmp_path_factory):
    """The WordPress pipeline with the editor's OutputPath: raw's empty Payload becomes bronze's
    null input and the execution fails with States.Runtime in bronze, a Task."""
    machine = aslsim.load(str(ROOT / "statemachines" / "wordpress_raw_to_bronze_output_path.asl.json"))
    mocks = json.loads((FIXTURES / "mocks.json").read_text())
    execution = machine.run(INPUT, mocks=mocks, start_time="2025-01-01T07:00:00Z")
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    return execution.report(tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture
def opened(page, bronze_gets_null):
    page.goto(bronze_gets_null.as_uri())
    page.wait_for_selector("#graph svg")
    return page


def classes(page, state):
    return set(page.locator(f'#graph .state[data-state="{state}"]').get_attribute("class").split())


def test_the_failed_state_has_the_failed_class(opened):
    assert "failed" in classes(opened, BRONZE)
    assert "visited" in classes(opened, RAW)
    assert "unvisited" in classes(opened, "PublishFailure")


def test_the_edges_taken_are_marked_visited(opened):
    def edge(source, target):
        return set(opened.locator(f'#graph .edge[data-from="{source}"][data-to="{target}"]')
                   .get_attribute("class").split())
    assert "visited" in edge("", RAW) and "visited" in edge(RAW, BRONZE)
    assert "unvisited" in edge(BRONZE, "")          # bronze failed: it did not end the execution


def test_the_header_shows_status_error_and_cause(opened):
    assert opened.inner_text("#status") == "FAILED"
    assert opened.inner_text("#error") == "States.Runtime"
    assert opened.inner_text("#cause") == (
        "An error occurred while executing the state 'data_wordpressapi_bronze' (entered at the "
        "event id #7). Unable to apply Path transformation to null or empty input.")


def test_the_failed_state_is_selected_when_the_page_opens(opened):
    assert opened.inner_text("#panel-title") == BRONZE
    assert opened.inner_text("#panel .run .error") == "Error: States.Runtime"
    assert opened.inner_text("#panel .run pre.input") == "null"


def test_clicking_a_state_shows_its_input_output_and_calls(opened):
    opened.click(f'#graph .state[data-state="{RAW}"]')
    assert opened.inner_text("#panel-title") == RAW
    assert opened.inner_text("#panel .run pre.input") == json.dumps(INPUT, indent=2)
    assert opened.inner_text("#panel .run pre.output") == "null"
    assert opened.inner_text("#panel .call code") == "arn:aws:states:::lambda:invoke"
    parameters = json.loads(opened.inner_text("#panel .call pre.parameters"))
    assert parameters["Payload"] == INPUT
    assert "failed" not in classes(opened, RAW) and "selected" in classes(opened, RAW)
    assert opened.errors == []


def test_clicking_a_timeline_bar_selects_its_state(opened):
    assert opened.inner_text("#bars .row[data-state=%s] .took" % RAW) == "38.5 s"
    opened.click(f'#bars .row[data-state="{RAW}"]')
    assert opened.inner_text("#panel-title") == RAW


def test_the_page_needs_no_network(opened, bronze_gets_null):
    assert [url for url in opened.requests if not url.startswith("file:")] == []
    html = bronze_gets_null.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_screenshot_shows_the_failed_state_in_red(opened, tmp_path):
    shot = Image.open(io.BytesIO(opened.screenshot(full_page=True))).convert("RGB")
    assert len(shot.getcolors(maxcolors=1 << 24)) > 50, "a blank screenshot"

    def red_pixels(state):
        box = opened.locator(f'#graph .state[data-state="{state}"]').bounding_box()
        x, y = box["x"] + opened.evaluate("window.scrollX"), box["y"] + opened.evaluate("window.scrollY")
        crop = shot.crop((int(x) - 4, int(y) - 4, int(x + box["width"]) + 4, int(y + box["height"]) + 4))
        data = crop.tobytes()
        return sum(is_failure_red(p) for p in zip(data[0::3], data[1::3], data[2::3]))

    assert red_pixels(BRONZE) > 200
    assert red_pixels(RAW) == 0
    if os.environ.get("ASLSIM_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shot.save(DOCS_SCREENSHOT, optimize=True)


def test_clicking_a_distributed_maps_inner_state_shows_its_child_counts(page, tmp_path):
    buckets = tmp_path / "s3"
    shutil.copytree(ROOT / "fixtures" / "order_scoring" / "s3", buckets)
    machine = aslsim.load(ROOT / "statemachines" / "order_scoring.asl.json")
    execution = machine.run({"bucket": "incoming", "key": "orders.csv"}, s3=buckets,
                            lambdas={"score-orders": "handlers/score_orders.py:handler"})
    page.goto(execution.report(tmp_path / "report.html").as_uri())
    page.wait_for_selector("#graph svg")
    assert "failed" in classes(page, "Score")          # one batch failed (tolerated) in Score
    assert page.text_content('#graph .state[data-state="Score"] .badge') == "✓ 3 ✗ 1"
    page.click('#graph .state[data-state="Score"]')
    assert page.inner_text("#panel-title") == "Score"
    assert page.inner_text("#panel .children-summary") == (
        "4 child executions went through it: 3 succeeded, 1 failed here · 4 visits")
    assert page.locator("#panel .child-run").count() == 4
    assert page.inner_text("#panel .child-run.run-failed .error") == "Error: InvalidOrder"
    assert page.errors == []
