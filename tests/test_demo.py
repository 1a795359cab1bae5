"""The README's main job runs end to end and shows both verdicts."""

from __future__ import annotations

import io

from vcid.demo import run


def test_demo_runs_end_to_end() -> None:
    """The demo's presentation verifies and its forged copy does not."""
    out = io.StringIO()
    assert run(out) == 0
    text = out.getvalue()
    assert "VALID presentation" in text
    assert "INVALID credential" in text
    assert text.rstrip().endswith("demo succeeded")
