"""Key files: Multikey JSON on disk, owner-only, never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vcid import KeyFile, KeyType
from vcid.errors import KeyFormatError, MalformedInputError, UsageError
from vcid.keyfile import read_key_file, write_key_file


@pytest.mark.parametrize("key_type", list(KeyType))
def test_round_trip(tmp_path: Path, key_type: KeyType) -> None:
    """A written key file reads back as the same key and verification method."""
    key = KeyFile.generate(key_type)
    path = tmp_path / "k.json"
    write_key_file(key, path)
    loaded = read_key_file(path)
    assert loaded.verification_method == key.verification_method
    assert loaded.controller == key.controller
    assert loaded.public_key == key.public_key
    assert path.stat().st_mode & 0o777 == 0o600


def test_repr_hides_secret() -> None:
    """Neither repr nor str of a key file shows the secret."""
    key = KeyFile.generate()
    secret = key.key.secret_multibase()
    assert secret not in repr(key)
    assert secret not in str(key)


def test_no_overwrite_and_no_leftovers(tmp_path: Path) -> None:
    """Writing over an existing key file fails and leaves it and the folder as they were."""
    path = tmp_path / "k.json"
    write_key_file(KeyFile.generate(), path)
    before = path.read_bytes()
    with pytest.raises(UsageError):
        write_key_file(KeyFile.generate(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


def test_mismatched_id_and_controller(tmp_path: Path) -> None:
    """A verification method id outside its controller's DID is refused."""
    document = KeyFile.generate().to_json()
    document["controller"] = "did:example:other"
    path = tmp_path / "k.json"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFormatError):
        read_key_file(path)


def test_unreadable_and_malformed(tmp_path: Path) -> None:
    """A missing file is a usage error; bad JSON is malformed input."""
    with pytest.raises(UsageError):
        read_key_file(tmp_path / "missing.json")
    path = tmp_path / "bad.json"
    path.write_text("{")
    with pytest.raises(MalformedInputError):
        read_key_file(path)


def test_vector_key_pair_binds_to_did_key(vectors_dir: Path) -> None:
    """The spec vectors' key pair (no id) becomes its own did:key method."""
    key = read_key_file(vectors_dir / "vc-di-eddsa" / "keyPair.json")
    multibase = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert key.controller == f"did:key:{multibase}"
    assert key.verification_method == f"did:key:{multibase}#{multibase}"
