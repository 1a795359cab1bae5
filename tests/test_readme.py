"""The README's Python example runs as written and ends in a valid verdict."""

from __future__ import annotations

import contextlib
import io
import re

from tests.conftest import ROOT


def test_readme_python_example_runs() -> None:
    """The quick API example in README.md issues, presents and verifies."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Python API\n\n```python\n(.*?)```", text, re.DOTALL)
    assert match is not None, "README.md has no Python API example"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(match.group(1), "README.md", "exec"), {})
    assert out.getvalue().startswith("Verdict.VALID VALID presentation")
