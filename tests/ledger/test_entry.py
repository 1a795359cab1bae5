"""Log entries: the 42-byte wire form, strict parsing, and the credential commitment."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid._json import JsonObject
from vcid.canon.jcs import canonicalize
from vcid.errors import CanonicalizationError, LedgerFormatError, UsageError
from vcid.ledger.entry import ENTRY_SIZE, EntryType, LogEntry, credential_commitment
from vcid.ledger.merkle import leaf_hash

COMMITMENT = hashlib.sha256(b"signed credential").digest()

entries = st.builds(
    LogEntry,
    type=st.sampled_from(list(EntryType)),
    commitment=st.binary(min_size=32, max_size=32),
    time=st.integers(0, 2**64 - 1),
)


def test_the_wire_form_is_version_type_commitment_time() -> None:
    entry = LogEntry(type=EntryType.STATUS_LIST, commitment=COMMITMENT, time=0x0102030405060708)
    data = entry.to_bytes()
    assert data == b"\x01\x02" + COMMITMENT + bytes(range(1, 9))
    assert len(data) == ENTRY_SIZE == 42
    assert entry.leaf_hash == leaf_hash(data) == hashlib.sha256(b"\x00" + data).digest()


@given(entries)
def test_round_trip(entry: LogEntry) -> None:
    assert LogEntry.from_bytes(entry.to_bytes()) == entry


@given(st.binary(max_size=80))
def test_any_bytes_parse_to_the_same_bytes_or_raise_a_format_error(data: bytes) -> None:
    try:
        entry = LogEntry.from_bytes(data)
    except LedgerFormatError:
        return
    assert entry.to_bytes() == data


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x01\x01" + COMMITMENT + b"\x00" * 7,  # short
        b"\x01\x01" + COMMITMENT + b"\x00" * 9,  # long
        b"\x02\x01" + COMMITMENT + b"\x00" * 8,  # unknown version
        b"\x00\x01" + COMMITMENT + b"\x00" * 8,
        b"\x01\x00" + COMMITMENT + b"\x00" * 8,  # unknown type
        b"\x01\x06" + COMMITMENT + b"\x00" * 8,  # 5 is DID_LOG_ENTRY
        b"\x01\xff" + COMMITMENT + b"\x00" * 8,
    ],
)
def test_malformed_entries_are_rejected(data: bytes) -> None:
    with pytest.raises(LedgerFormatError):
        LogEntry.from_bytes(data)


def test_bad_values_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        LogEntry(type=EntryType.CREDENTIAL, commitment=b"short", time=0)
    with pytest.raises(UsageError):
        LogEntry(type=9, commitment=COMMITMENT, time=0)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        LogEntry(type=EntryType.CREDENTIAL, commitment=COMMITMENT, time=-1)
    with pytest.raises(UsageError):
        LogEntry(type=EntryType.CREDENTIAL, commitment=COMMITMENT, time=2**64)
    with pytest.raises(UsageError):
        LogEntry.at(EntryType.CREDENTIAL, COMMITMENT, datetime(2026, 1, 1))  # naive
    with pytest.raises(UsageError):
        LogEntry.at(EntryType.CREDENTIAL, COMMITMENT, datetime(1969, 12, 31, tzinfo=UTC))
    with pytest.raises(UsageError):
        LogEntry.from_bytes("text")  # type: ignore[arg-type]


def test_an_integer_type_is_read_as_the_entry_type() -> None:
    entry = LogEntry(type=3, commitment=COMMITMENT, time=1)  # type: ignore[arg-type]
    assert entry.type is EntryType.DID_DOCUMENT


def test_time_is_whole_seconds_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    entry = LogEntry.at(
        EntryType.CREDENTIAL, COMMITMENT, datetime(2026, 1, 1, 2, 0, 0, 999_999, tzinfo=plus_two)
    )
    assert entry.time == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert entry.issued_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_the_credential_commitment_is_sha256_of_its_jcs_form() -> None:
    credential: JsonObject = {"b": [1, 2], "a": "é", "proof": {"proofValue": "z123"}}
    reordered: JsonObject = {"proof": {"proofValue": "z123"}, "a": "é", "b": [1, 2]}
    expected = hashlib.sha256(canonicalize(credential)).digest()
    assert credential_commitment(credential) == expected == credential_commitment(reordered)
    assert credential_commitment({**credential, "a": "e"}) != expected
    assert credential == {"b": [1, 2], "a": "é", "proof": {"proofValue": "z123"}}  # not mutated


def test_the_commitment_of_non_json_is_refused() -> None:
    with pytest.raises(CanonicalizationError):
        credential_commitment({"n": float("nan"), "proof": {}})
    with pytest.raises(UsageError):
        credential_commitment(["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        credential_commitment({"unsigned": True})
