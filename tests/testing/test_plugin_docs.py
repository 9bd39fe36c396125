"""docs/testing.md stays true: its first example fails exactly as the page shows."""
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"


def blocks(language):
    """The page's code blocks in this language ("" for plain ones), in order."""
    found = re.findall(r"^```(\w*)\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.S | re.M)
    return [text for lang, text in found if lang == language]


def test_the_first_example_prints_the_failure_the_page_shows(pytester, example):
    example("file_size_check", "statemachines")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_file_size_check.py").write_text(blocks("python")[0])
    # importlib: this repository's own test_file_size_check module is already imported
    result = pytester.runpytest("--import-mode=importlib")
    result.assert_outcomes(failed=1)

    shown = [line.rstrip() for line in blocks("")[0].splitlines()]
    printed = [line.rstrip() for line in result.outlines]
    start = printed.index(shown[0])
    assert printed[start:start + len(shown)] == shown
