"""The pre-commit hook (.pre-commit-hooks.yaml) run by pre-commit itself against a sample repository.

pre-commit installs a hook repository from a git commit, so the fixture snapshots this checkout's
working tree (uncommitted files included) into a throw-away git repository first. pre-commit then
pip-installs aslsim into its own virtualenv (under a PRE_COMMIT_HOME in tmp), which takes ~30-90 s
once per test session.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What pip needs to build aslsim, plus the hook manifest itself.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")

GOOD = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}
BROKEN = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Next": "Nowhere"}}}
GOOD_YAML = "StartAt: Wait\nStates:\n  Wait:\n    Type: Wait\n    Seconds: 5\n    End: true\n"


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "aslsim tests", "GIT_AUTHOR_EMAIL": "tests@example.com",
           "GIT_COMMITTER_NAME": "aslsim tests", "GIT_COMMITTER_EMAIL": "tests@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def _snapshot_checkout(dest: Path) -> str:
    """Commit the working tree's package files (tracked or not, minus ignored ones) into dest."""
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                  *PACKAGE_FILES)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():   # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot of the aslsim working tree")
    return _git(dest, "rev-parse", "HEAD").strip()


def readme_config(repo: str, rev: str) -> str:
    """The README's .pre-commit-config.yaml lines, with this test's repository and commit in
    place of the URL and the example sha (the only parts a user changes)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nrepos:", 1)[1].split("```", 1)[0]
    config = "repos:" + block
    assert re.search(r"rev: [0-9a-f]{40}\n", config), "the README's rev: is a commit sha"
    config = re.sub(r"repo: \S+", f"repo: {repo}", config)
    return re.sub(r"rev: [0-9a-f]{40}", f"rev: {rev}", config)


class SampleRepo:
    """A user's repository that adds the hook with the three lines the README shows."""

    def __init__(self, root: Path, hook_repo: Path, rev: str, home: Path):
        self.root, self.home = root, home
        root.mkdir()
        (root / ".pre-commit-config.yaml").write_text(readme_config(hook_repo.as_uri(), rev))
        self.write("workflows/good.asl.json", json.dumps(GOOD, indent=2))
        self.write("workflows/wait.asl.yaml", GOOD_YAML)
        # Not an .asl.* file, so the hook must not be given it although it is broken too.
        self.write("data/not-a-definition.json", json.dumps(BROKEN))
        _git(root, "init", "-q")

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def pre_commit(self) -> subprocess.CompletedProcess:
        _git(self.root, "add", "-A")   # --all-files runs on the files git tracks
        env = {**os.environ, "PRE_COMMIT_HOME": str(self.home), "PRE_COMMIT_COLOR": "never"}
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                              cwd=self.root, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SampleRepo:
    base = tmp_path_factory.mktemp("precommit")
    hook_repo = base / "aslsim"
    hook_repo.mkdir()
    rev = _snapshot_checkout(hook_repo)
    return SampleRepo(base / "project", hook_repo, rev, base / "pre-commit-home")


def test_hook_fails_naming_the_broken_file_and_the_code(sample):
    sample.write("workflows/broken.asl.json", json.dumps(BROKEN, indent=2))
    done = sample.pre_commit()
    report = done.stdout + done.stderr
    assert done.returncode == 1, report
    assert "aslsim validate (Amazon States Language)" in report
    assert "Failed" in report
    assert "workflows/broken.asl.json" in report
    assert "ASL201" in report
    assert "Nowhere" in report
    assert "good.asl.json" not in report
    assert "wait.asl.yaml" not in report
    assert "not-a-definition.json" not in report


def test_hook_passes_once_the_file_is_fixed(sample):
    sample.write("workflows/broken.asl.json", json.dumps(GOOD, indent=2))
    done = sample.pre_commit()
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "aslsim validate (Amazon States Language)" in report
    assert "Passed" in report


SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Hello
        States:
          Hello: {Type: Pass, Next: Nowhere}
"""


def test_hook_catches_a_broken_sam_template_and_passes_over_files_without_machines(sample):
    sample.write("template.yaml", SAM_TEMPLATE)
    sample.write("infra/buckets/template.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    sample.write("infra/variables.tf", 'variable "env" {\n  default = "dev"\n}\n')
    done = sample.pre_commit()
    report = done.stdout + done.stderr
    assert done.returncode == 1, report
    assert "template.yaml:9:" in report and "ASL201" in report and "Nowhere" in report
    assert "buckets" not in report and "variables.tf" not in report
    sample.write("template.yaml", SAM_TEMPLATE.replace("Next: Nowhere", "End: true"))
    sample.write("cdk.out/Stack.template.json", json.dumps({"Resources": {"M": {
        "Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": GOOD}}}}))
    done = sample.pre_commit()
    assert done.returncode == 0, done.stdout + done.stderr
