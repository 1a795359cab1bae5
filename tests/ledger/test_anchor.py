"""AnchorRef, AnchorStatus, NoAnchor and the log id hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid._json import JsonObject
from vcid.errors import AnchorMismatch, MalformedInputError, UsageError
from vcid.ledger.anchor import (
    MAX_TREE_SIZE,
    AnchorRef,
    AnchorSink,
    AnchorStatus,
    NoAnchor,
    log_id_hash,
)

ORIGIN = "registry.example/log"
ROOT = hashlib.sha256(b"root").digest()


def hex_str(size: int) -> st.SearchStrategy[str]:
    return st.binary(min_size=size, max_size=size).map(lambda b: "0x" + b.hex())


refs = st.builds(
    AnchorRef,
    kind=st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True),
    chain_id=st.integers(0, 2**53 - 1),
    contract=hex_str(20),
    tx_hash=hex_str(32),
    block_number=st.integers(0, 2**53 - 1),
    log_index=st.integers(0, 2**53 - 1),
    submitter=hex_str(20),
    log_id_hash=hex_str(32),
    tree_size=st.integers(0, MAX_TREE_SIZE),
    root=st.binary(min_size=32, max_size=32),
)


def sample() -> AnchorRef:
    return AnchorRef(
        kind="evm",
        chain_id=31337,
        contract="0x" + "ab" * 20,
        tx_hash="0x" + "cd" * 32,
        block_number=12,
        log_index=0,
        submitter="0x" + "ef" * 20,
        log_id_hash=log_id_hash(ORIGIN),
        tree_size=100,
        root=ROOT,
    )


def test_log_id_hash_is_sha256_of_the_origin() -> None:
    assert log_id_hash(ORIGIN) == "0x" + hashlib.sha256(ORIGIN.encode()).hexdigest()
    assert log_id_hash("é") == "0x" + hashlib.sha256("é".encode()).hexdigest()


@pytest.mark.parametrize("origin", ["", "a\nb", "a\rb", "x" * 1025, None, b"bytes"])
def test_log_id_hash_refuses_bad_origins(origin: object) -> None:
    with pytest.raises(UsageError):
        log_id_hash(origin)  # type: ignore[arg-type]


@given(refs)
def test_json_round_trip(ref: AnchorRef) -> None:
    data = ref.to_json()
    assert AnchorRef.from_json(json.loads(json.dumps(data))) == ref


def test_json_form() -> None:
    assert sample().to_json() == {
        "kind": "evm",
        "chainId": 31337,
        "contract": "0x" + "ab" * 20,
        "txHash": "0x" + "cd" * 32,
        "blockNumber": 12,
        "logIndex": 0,
        "submitter": "0x" + "ef" * 20,
        "logIdHash": log_id_hash(ORIGIN),
        "treeSize": 100,
        "root": "0x" + ROOT.hex(),
    }


BAD_FIELDS: list[tuple[str, object]] = [
    ("kind", "EVM"),
    ("kind", ""),
    ("kind", 1),
    ("chainId", -1),
    ("chainId", True),
    ("chainId", 1.0),
    ("chainId", 2**53),
    ("chainId", "1"),
    ("contract", "0x" + "AB" * 20),
    ("contract", "0x" + "ab" * 19),
    ("contract", "ab" * 20),
    ("txHash", "0x" + "cd" * 31),
    ("txHash", "0x" + "zz" * 32),
    ("blockNumber", -5),
    ("logIndex", None),
    ("submitter", "0x" + "ef" * 21),
    ("logIdHash", "0X" + "00" * 32),
    ("treeSize", -1),
    ("treeSize", MAX_TREE_SIZE + 1),
    ("treeSize", False),
    ("root", "0x" + "00" * 31),
    ("root", ROOT.hex()),
    ("root", "0x" + ROOT.hex().upper()),
    ("root", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_from_json_refuses_malformed_fields(field: str, value: object) -> None:
    data: JsonObject = {**sample().to_json(), field: value}  # type: ignore[dict-item]
    with pytest.raises(MalformedInputError):
        AnchorRef.from_json(data)


def test_from_json_refuses_missing_and_unknown_keys() -> None:
    data = sample().to_json()
    with pytest.raises(MalformedInputError, match="lacks root"):
        AnchorRef.from_json({k: v for k, v in data.items() if k != "root"})
    with pytest.raises(MalformedInputError, match="unknown keys extra"):
        AnchorRef.from_json({**data, "extra": 1})
    with pytest.raises(MalformedInputError):
        AnchorRef.from_json([])  # type: ignore[arg-type]


def test_the_constructor_validates_too() -> None:
    with pytest.raises(MalformedInputError):
        dataclasses.replace(sample(), root=b"short")
    with pytest.raises(MalformedInputError):
        dataclasses.replace(sample(), contract="0x" + "AB" * 20)


def test_the_reference_is_frozen() -> None:
    ref = sample()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.tree_size = 1  # type: ignore[misc]


def test_matches_and_require_match() -> None:
    ref = sample()
    assert ref.matches(origin=ORIGIN, tree_size=100, root=ROOT)
    ref.require_match(origin=ORIGIN, tree_size=100, root=ROOT)
    cases = [
        ({"origin": ORIGIN + "x", "tree_size": 100, "root": ROOT}, "another log"),
        ({"origin": ORIGIN, "tree_size": 99, "root": ROOT}, "another tree size"),
        ({"origin": ORIGIN, "tree_size": 100, "root": bytes(32)}, "root differs"),
    ]
    for kwargs, reason in cases:
        assert not ref.matches(**kwargs)  # type: ignore[arg-type]
        with pytest.raises(AnchorMismatch, match=reason):
            ref.require_match(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        ref.matches(origin=ORIGIN, tree_size=100, root=b"x")


def test_anchor_status() -> None:
    assert AnchorStatus(confirmations=3, final=True).to_json() == {
        "confirmations": 3,
        "final": True,
    }
    with pytest.raises(MalformedInputError):
        AnchorStatus(confirmations=-1, final=False)
    with pytest.raises(MalformedInputError):
        AnchorStatus(confirmations=1, final=1)  # type: ignore[arg-type]
    with pytest.raises(MalformedInputError):
        AnchorStatus(confirmations=True, final=False)


def test_no_anchor_anchors_nothing() -> None:
    sink: AnchorSink = NoAnchor()
    ref = sink.anchor(origin=ORIGIN, tree_size=5, root=ROOT)
    assert ref.kind == "none"
    assert ref.chain_id == 0
    assert ref.tx_hash == "0x" + "00" * 32
    assert ref.matches(origin=ORIGIN, tree_size=5, root=ROOT)
    assert sink.status(ref) == AnchorStatus(confirmations=0, final=False)
    assert sink.find_anchor(origin=ORIGIN, tree_size=5) is None
    assert AnchorRef.from_json(ref.to_json()) == ref


@pytest.mark.parametrize(
    ("tree_size", "root"), [(-1, ROOT), (2**64, ROOT), (True, ROOT), (1, b"x" * 31), (1, "r")]
)
def test_no_anchor_validates_its_input(tree_size: object, root: object) -> None:
    with pytest.raises(UsageError):
        NoAnchor().anchor(origin=ORIGIN, tree_size=tree_size, root=root)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        NoAnchor().anchor(origin="", tree_size=1, root=ROOT)
