"""The AWS SDK for JavaScript v3 (@aws-sdk/client-sfn, run by Node) against aslsim serve."""
import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "@aws-sdk/client-sfn@3.1164.0"
SCRIPT = Path(__file__).with_name("sfn_client.mjs")


@pytest.fixture(scope="session")
def js_client():
    """The client script beside @aws-sdk/client-sfn, installed once into .cache/ from npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail("node and npm are needed for the JavaScript SDK tests: run scripts/install-test-tools.sh")
    cache = ROOT / ".cache" / "aws-sdk-sfn"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:       # xdist workers share the install
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "node_modules" / "@aws-sdk" / "client-sfn" / "package.json").exists():
            install = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                                      "--silent", PACKAGE], capture_output=True, text=True, timeout=900)
            if install.returncode != 0:
                pytest.fail(f"cannot install {PACKAGE} from npm: {install.stderr.strip()[-300:]}")
        script = cache / SCRIPT.name
        if not script.exists() or script.read_bytes() != SCRIPT.read_bytes():
            shutil.copyfile(SCRIPT, script)        # beside node_modules, so the import resolves
    return node, script


def test_the_javascript_sdk_drives_the_server(aslsim_server, js_client):
    node, script = js_client
    run = subprocess.run([node, str(script), aslsim_server.endpoint], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["created"] == "arn:aws:states:us-east-1:123456789012:stateMachine:js"
    assert out["creationDateIsDate"] is True
    assert out["described"] == {"status": "SUCCEEDED", "output": '{"from":"js"}', "redriveStatus": "NOT_REDRIVABLE"}
    assert sorted(out["listed"]) == ["run-0", "run-1", "run-2"]
    assert out["historyTypes"] == ["ExecutionSucceeded", "PassStateExited", "PassStateEntered", "ExecutionStarted"]
    assert out["error"] == {"name": "StateMachineDoesNotExist", "status": 400, "message":
                            "State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope'"}
    assert (json.loads(out["taskInput"]), out["worked"]) == ({"n": 2}, '{"doubled":4}')
    assert out["sync"] == {"status": "SUCCEEDED", "output": '{"from":"js"}', "billed": 100}
    assert out["tested"] == {"status": "SUCCEEDED", "output": "7", "nextState": "N", "result": "7"}
    assert out["validated"] == "FAIL"
