"""The README's main job runs end to end and shows every verdict."""

from __future__ import annotations

import io
from pathlib import Path

from vcid.demo import run


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    """Valid at first, an alert once the child is reported missing, a forgery invalid."""
    out = io.StringIO()
    assert run(out, workdir=tmp_path) == 0
    text = out.getvalue()
    assert "VALID presentation" in text
    assert "ALERT presentation" in text
    assert "MISSING_CHILD_ALERT" in text
    assert "INVALID credential" in text
    replay = "INVALID presentation\n  FAIL presentation.proof[0].challenge  CHALLENGE_MISMATCH"
    assert replay in text
    assert "FAIL presentation.binding.relationship  HOLDER_NOT_BOUND" in text
    assert text.count("border decision: ADMIT") == 1
    assert "border decision: REFER (child protection is called)" in text
    assert text.count("border decision: DENY") == 2
    assert "credential[1].related_resource              1 digest match" in text
    assert text.rstrip().endswith("demo succeeded")
    # The registrar's stores are real SQLite files.
    assert (tmp_path / "ledger.db").stat().st_size > 0
    assert (tmp_path / "status.db").stat().st_size > 0
