"""Fixtures for the canonicalization tests: the rdf-canon suite and DI vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def rdf_canon_dir(vectors_dir: Path) -> Path:
    """The W3C rdf-canon test suite folder."""
    path = vectors_dir / "rdf-canon"
    if not (path / "manifest.jsonld").is_file():
        pytest.skip("rdf-canon suite not found in the vectors folder")
    return path


@pytest.fixture(scope="session")
def rdf_canon_manifest(rdf_canon_dir: Path) -> dict[str, dict[str, Any]]:
    """The rdf-canon manifest entries by id (``test001c``, ...)."""
    manifest = json.loads((rdf_canon_dir / "manifest.jsonld").read_text("utf-8"))
    return {entry["id"].lstrip("#"): entry for entry in manifest["entries"]}


@pytest.fixture(scope="session")
def di_cases(vectors_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every Data Integrity vector case (EdDSA and ECDSA), with its folder."""
    cases: list[tuple[Path, dict[str, Any]]] = []
    for name in ("vc-di-eddsa", "vc-di-ecdsa"):
        folder = vectors_dir / name
        index = folder / "cases.json"
        if not index.is_file():
            pytest.skip(f"{name}/cases.json not found in the vectors folder")
        for case in json.loads(index.read_text("utf-8"))["cases"]:
            cases.append((folder, case))
    return cases
