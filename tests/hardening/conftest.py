from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path):
    """``write("name.json", text_or_bytes)`` -> the path of a new file in a temporary folder."""
    def write(name: str, content) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return write
