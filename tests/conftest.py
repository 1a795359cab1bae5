"""Shared fixtures: the path to the official spec vectors, skipped when absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis's per-example deadline is a wall-clock assertion: it fails under
# coverage or on a loaded machine. Tests bound work, not time (benchmarks/
# measures speed).
settings.register_profile("vcid", deadline=None)
settings.load_profile("vcid")


def shared_vectors() -> Path | None:
    """The official vectors folder (``../shared/vectors`` or ``$VCID_VECTORS``)."""
    configured = os.environ.get("VCID_VECTORS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "vectors"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """The spec vectors; the test is skipped with a reason when they are absent."""
    path = shared_vectors()
    if path is None:
        pytest.skip("spec vectors not found: place them at ../shared/vectors or set VCID_VECTORS")
    return path


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A real, throwaway PostgreSQL server for this test session (per worker)."""
    from tests.services import ServiceUnavailable, postgres_server  # noqa: PLC0415

    try:
        with postgres_server() as dsn:
            yield dsn
    except ServiceUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
