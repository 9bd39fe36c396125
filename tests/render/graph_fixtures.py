"""Shared by the graph tests (imported by them; tests/render/conftest.py is the report's): the
machines every renderer is checked on, and Mermaid's own parser."""
import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import aslsim
from render_machines import big_machine, hostile_machine

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "statemachines").glob("*.asl.json"))

# Every renderer is checked on each example, a 200-state machine and one of hostile names.
MACHINE_IDS = [p.name.removesuffix(".asl.json") for p in EXAMPLES] + ["synthetic_200", "hostile_names"]


def load_machine(machine_id: str):
    if machine_id == "synthetic_200":
        return aslsim.load(big_machine(200), name="synthetic_200")
    if machine_id == "hostile_names":
        return aslsim.load(hostile_machine(), name='hostile "names" <&>')
    return aslsim.load(ROOT / "statemachines" / f"{machine_id}.asl.json")


@pytest.fixture(params=MACHINE_IDS)
def any_machine(request):
    return load_machine(request.param)


# Mermaid's parser runs in node with a DOM from jsdom; both are installed once into .cache/.
MERMAID_PACKAGES = ["mermaid@11.17.2", "jsdom@29.1.1"]
PARSER_SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")


@pytest.fixture(scope="session")
def mermaid_parser(tmp_path_factory):
    """A function: list of diagram texts -> list of None (parses) or Mermaid's error message."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail("node and npm are needed to run Mermaid's own parser: run scripts/install-test-tools.sh")
    cache = ROOT / ".cache" / "mermaid-parse"
    cache.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers share the cache: one installs while the others wait on the lock
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "node_modules" / "mermaid" / "package.json").exists():
            install = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                                      "--silent", *MERMAID_PACKAGES], capture_output=True, text=True,
                                     timeout=600)
            if install.returncode != 0:
                pytest.fail(f"cannot install Mermaid from npm: {install.stderr.strip()[-300:]}")
        script = cache / PARSER_SCRIPT.name
        if not script.exists() or script.read_bytes() != PARSER_SCRIPT.read_bytes():
            shutil.copyfile(PARSER_SCRIPT, script)   # beside node_modules, so imports resolve there
    work = tmp_path_factory.mktemp("mermaid")        # per worker: diagrams never overwrite each other

    def parse(texts: list[str]) -> list:
        diagrams = work / "diagrams.json"
        diagrams.write_text(json.dumps(texts), encoding="utf-8")
        run = subprocess.run([node, str(script), str(diagrams)], capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)
    return parse
