"""The plugin's own tests run pytest inside pytest (``pytester``) on small throwaway projects."""
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[2] / "statemachines"


@pytest.fixture
def example(pytester):
    """``example("file_size_check", "sub/folder")`` copies an example machine into the project."""
    def copy(name: str, folder: str = ".") -> Path:
        target = pytester.path / folder
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / f"{name}.asl.json", target)
        return target / f"{name}.asl.json"
    return copy


@pytest.fixture
def pytester(pytester, monkeypatch):
    """Inner pytest sessions skip plugins these checks do not need: hypothesis's costs a second
    per session. (Set after pytester's own setup, which clears PYTEST_ADDOPTS.)"""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest -p no:benchmark -p no:cacheprovider")
    return pytester
