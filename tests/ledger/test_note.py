"""C2SP signed notes, checkpoints and cosignatures: vectors, strict parsing, verification."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledger.vectors import (
    NOTE_ENOCH_SIG,
    NOTE_ENOCH_VKEY,
    NOTE_PETER_B64,
    NOTE_PETER_SIG,
    NOTE_PETER_VKEY,
    NOTE_SIGNER_KEY,
    NOTE_TEXT,
)
from vcid.errors import InvalidSignature, LedgerFormatError, UnsupportedError, UsageError
from vcid.keys import KeyType, PrivateKey
from vcid.ledger.note import (
    MAX_SIGNATURES,
    Checkpoint,
    Note,
    NoteKey,
    SignatureType,
    SignedCheckpoint,
    sign_checkpoint,
    sign_note,
)

ORIGIN = "registry.example/births"
ROOT = hashlib.sha256(b"root").digest()
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URLSAFE_ROOT = base64.urlsafe_b64encode(bytes([0xFF]) * 32).decode()


def peter_key() -> PrivateKey:
    seed = base64.b64decode(NOTE_SIGNER_KEY.split("+", 4)[-1])
    assert seed[0] == 1
    return PrivateKey.from_secret_bytes(KeyType.ED25519, seed[1:])


def checkpoint(size: int = 42) -> Checkpoint:
    return Checkpoint(origin=ORIGIN, tree_size=size, root=ROOT, timestamp=NOW)


# --- the golang.org/x/mod vectors ------------------------------------------------------


def test_signing_reproduces_the_go_vector_byte_for_byte() -> None:
    note = sign_note(NOTE_TEXT, peter_key(), name="PeterNeumann")
    assert note.to_text() == NOTE_TEXT + "\n" + NOTE_PETER_SIG


def test_verifier_keys_parse_and_print_back() -> None:
    peter = NoteKey.from_vkey(NOTE_PETER_VKEY)
    assert peter.name == "PeterNeumann"
    assert peter.key_id.hex() == "c74f20a3"
    assert peter.public_key == peter_key().public_key
    assert peter.to_vkey() == NOTE_PETER_VKEY
    assert NoteKey.from_vkey(NOTE_ENOCH_VKEY).to_vkey() == NOTE_ENOCH_VKEY


@pytest.mark.parametrize(
    "vkey",
    [
        NOTE_PETER_VKEY[:-1],
        NOTE_PETER_VKEY + "A",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong name
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # unknown type
        "PeterNeumann+c74f20a3",
        "",
    ],
)
def test_mangled_verifier_keys_are_rejected(vkey: str) -> None:
    with pytest.raises(LedgerFormatError):
        NoteKey.from_vkey(vkey)


def test_verifying_with_one_known_key_ignores_the_other_signature() -> None:
    note = Note.parse(NOTE_TEXT + "\n" + NOTE_PETER_SIG + NOTE_ENOCH_SIG)
    assert note.text == NOTE_TEXT
    peter, enoch = NoteKey.from_vkey(NOTE_PETER_VKEY), NoteKey.from_vkey(NOTE_ENOCH_VKEY)
    assert note.verify([peter]) == (peter,)
    assert note.verify([peter, enoch]) == (peter, enoch)
    with pytest.raises(InvalidSignature, match="no signature by a known key"):
        note.verify([])


def test_a_bad_signature_by_a_known_key_rejects_the_note() -> None:
    broken = NOTE_PETER_SIG[:60] + "ABCD" + NOTE_PETER_SIG[60:]
    note = Note.parse(NOTE_TEXT + "\n" + broken + NOTE_ENOCH_SIG)
    with pytest.raises(InvalidSignature):
        note.verify([NoteKey.from_vkey(NOTE_PETER_VKEY), NoteKey.from_vkey(NOTE_ENOCH_VKEY)])
    # ... but not when that key is unknown and another known key signed.
    assert note.verify([NoteKey.from_vkey(NOTE_ENOCH_VKEY)])


def test_a_signature_under_another_name_or_key_id_is_ignored() -> None:
    peter = NoteKey.from_vkey(NOTE_PETER_VKEY)
    renamed = NOTE_PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    with pytest.raises(InvalidSignature, match="no signature by a known key"):
        Note.parse(NOTE_TEXT + "\n" + renamed).verify([peter])
    other_id = NOTE_PETER_SIG.replace("x08g", "xxxx")
    with pytest.raises(InvalidSignature, match="no signature by a known key"):
        Note.parse(NOTE_TEXT + "\n" + other_id).verify([peter])


@pytest.mark.parametrize(
    "message",
    [
        NOTE_TEXT,  # no signatures
        NOTE_TEXT + "\n",  # a blank line, no signatures
        NOTE_TEXT + "\n" + NOTE_PETER_SIG[:-1],  # no final newline
        "\x01" + NOTE_TEXT + "\n" + NOTE_PETER_SIG,  # a control character
        NOTE_TEXT + "\n" + "\u2014 Bad Name " + NOTE_PETER_B64 + "\n",
        NOTE_TEXT + "\n" + NOTE_PETER_SIG + "Unexpected line.\n",
        NOTE_TEXT + "\n" + NOTE_PETER_SIG.replace("\u2014", "-"),  # not an em dash
        NOTE_TEXT + "\n" + "\u2014 a+b " + NOTE_PETER_B64 + "\n",
        NOTE_TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",  # 3 bytes: no room for a key ID
        NOTE_TEXT + "\n" + NOTE_PETER_SIG.replace("=\n", "\n"),  # unpadded base64
        NOTE_TEXT + "\n" + NOTE_PETER_SIG.replace("\n", "\r\n"),
        NOTE_TEXT + "\n" + NOTE_PETER_SIG * (MAX_SIGNATURES + 1),  # too many signatures
        NOTE_TEXT + "\n" + "\u2014 PeterNeumann  " + NOTE_PETER_B64 + "\n",
    ],
)
def test_malformed_notes_are_rejected(message: str) -> None:
    with pytest.raises(LedgerFormatError):
        Note.parse(message)


def test_non_utf8_and_oversized_notes_are_rejected() -> None:
    with pytest.raises(LedgerFormatError, match="UTF-8"):
        Note.parse(b"\xff" + (NOTE_TEXT + "\n" + NOTE_PETER_SIG).encode())
    with pytest.raises(LedgerFormatError, match="at most"):
        Note.parse("x" * 70_000 + "\n\n" + NOTE_PETER_SIG)


def test_the_last_blank_line_separates_text_from_signatures() -> None:
    text = "first\n\nsecond\n"
    note = sign_note(text, peter_key(), name="PeterNeumann")
    parsed = Note.parse(note.to_text())
    assert parsed.text == text
    assert parsed.verify([NoteKey.from_vkey(NOTE_PETER_VKEY)])


@settings(max_examples=300)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_random_input_parses_or_raises_a_format_error(text: str) -> None:
    for candidate in (text, text + "\n\n\u2014 k AAAAAAAA\n"):
        try:
            note = Note.parse(candidate)
        except LedgerFormatError:
            continue
        assert Note.parse(note.to_text()) == note


# --- checkpoints -------------------------------------------------------------------------


def test_a_checkpoint_body_has_origin_size_root_and_time() -> None:
    body = checkpoint().body()
    assert body == (
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\ntime {int(NOW.timestamp())}\n"
    )
    assert Checkpoint.parse_body(body) == checkpoint()


def test_a_signed_checkpoint_round_trips_and_verifies_with_the_origin_key() -> None:
    key = PrivateKey.generate(KeyType.ED25519)
    signed = sign_checkpoint(checkpoint(), key)
    assert signed.text.startswith(checkpoint().body() + "\n\u2014 " + ORIGIN + " ")
    parsed = SignedCheckpoint.parse(signed.text)
    assert parsed == signed
    assert parsed.verify_log_key([key.public_key]) == key.public_key
    assert parsed.verify([NoteKey(name=ORIGIN, public_key=key.public_key)])


def test_a_checkpoint_signed_by_another_key_or_name_does_not_verify() -> None:
    key, other = PrivateKey.generate(KeyType.ED25519), PrivateKey.generate(KeyType.ED25519)
    signed = sign_checkpoint(checkpoint(), other)
    with pytest.raises(InvalidSignature):
        signed.verify_log_key([key.public_key])
    renamed = sign_checkpoint(checkpoint(), key, name="someone.example/else")
    with pytest.raises(InvalidSignature):
        renamed.verify_log_key([key.public_key])
    with pytest.raises(InvalidSignature, match="no Ed25519 key"):
        signed.verify_log_key([PrivateKey.generate(KeyType.P256).public_key])


def test_a_changed_body_does_not_verify() -> None:
    key = PrivateKey.generate(KeyType.ED25519)
    text = sign_checkpoint(checkpoint(42), key).text
    for changed in (
        text.replace("\n42\n", "\n41\n", 1),  # a shrunk tree
        text.replace(f"time {int(NOW.timestamp())}", f"time {int(NOW.timestamp()) + 1}"),
        text.replace(base64.b64encode(ROOT).decode(), base64.b64encode(b"\x00" * 32).decode()),
    ):
        with pytest.raises(InvalidSignature):
            SignedCheckpoint.parse(changed).verify_log_key([key.public_key])


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n",  # no time line
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\ntime 5\n",  # leading zero
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\ntime 5\n",
        f"{ORIGIN}\n{2**63}\n{base64.b64encode(ROOT).decode()}\ntime 5\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\ntime 5\n",  # short root
        f"{ORIGIN}\n42\n{URLSAFE_ROOT}\ntime 5\n",  # base64url, not base64
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\ntime 05\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\ntime  5\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\ntime 5\nextra line\n",
        f"\n42\n{base64.b64encode(ROOT).decode()}\ntime 5\n",  # empty origin
        f"a b\n42\n{base64.b64encode(ROOT).decode()}\ntime 5\n",  # a space in the origin
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\ntime 5",  # no final newline
    ],
)
def test_malformed_checkpoint_bodies_are_rejected(body: str) -> None:
    with pytest.raises(LedgerFormatError):
        Checkpoint.parse_body(body)


def test_checkpoint_values_are_checked() -> None:
    with pytest.raises(UsageError):
        Checkpoint(origin=ORIGIN, tree_size=1, root=ROOT, timestamp=datetime(2026, 1, 1))
    with pytest.raises(UsageError):
        Checkpoint(origin="has space", tree_size=1, root=ROOT, timestamp=NOW)
    with pytest.raises(UsageError):
        Checkpoint(origin=ORIGIN, tree_size=2**63, root=ROOT, timestamp=NOW)
    with pytest.raises(UsageError):
        Checkpoint(origin=ORIGIN, tree_size=1, root=b"x", timestamp=NOW)
    with pytest.raises(UnsupportedError):
        sign_checkpoint(checkpoint(), PrivateKey.generate(KeyType.P384))


def test_the_timestamp_is_kept_in_whole_utc_seconds() -> None:
    later = Checkpoint(
        origin=ORIGIN,
        tree_size=1,
        root=ROOT,
        timestamp=(NOW + timedelta(microseconds=700)).astimezone(),
    )
    assert later.timestamp == NOW
    assert later.timestamp.tzinfo is UTC


# --- witness cosignatures (C2SP tlog-cosignature, Ed25519) -----------------------------------


def test_a_witness_cosignature_is_added_and_verified_only_with_its_key() -> None:
    log_key, witness = PrivateKey.generate(KeyType.ED25519), PrivateKey.generate(KeyType.ED25519)
    signed = sign_checkpoint(checkpoint(), log_key)
    cosigned = signed.cosign(witness, name="witness.example/w1", now=NOW)
    parsed = SignedCheckpoint.parse(cosigned.text)
    assert len(parsed.signatures) == 2
    assert parsed.signatures[1].timestamp == int(NOW.timestamp())
    witness_key = NoteKey(
        name="witness.example/w1", public_key=witness.public_key, type=SignatureType.COSIGNATURE_V1
    )
    assert parsed.verify([witness_key]) == (witness_key,)
    assert parsed.verify_log_key([log_key.public_key]) == log_key.public_key  # ignores the witness
    # The cosignature signs "cosignature/v1\ntime T\n" + body, with key ID type 0x04.
    message = (
        f"cosignature/v1\ntime {int(NOW.timestamp())}\n".encode() + checkpoint().body().encode()
    )
    witness.public_key.verify(parsed.signatures[1].signature[8:], message)
    expected_id = hashlib.sha256(b"witness.example/w1\n\x04" + witness.public_key.raw).digest()[:4]
    assert parsed.signatures[1].key_id == expected_id
    # The same key as a plain Ed25519 note key has another key ID: the line is ignored.
    plain = NoteKey(name="witness.example/w1", public_key=witness.public_key)
    with pytest.raises(InvalidSignature, match="no signature by a known key"):
        parsed.verify([plain])


def test_a_forged_cosignature_is_rejected() -> None:
    log_key, witness = PrivateKey.generate(KeyType.ED25519), PrivateKey.generate(KeyType.ED25519)
    cosigned = sign_checkpoint(checkpoint(), log_key).cosign(witness, name="w.example", now=NOW)
    line = cosigned.signatures[1]
    raw = base64.b64decode(line.line().split(" ")[-1])
    tampered_time = raw[:4] + (int.from_bytes(raw[4:12], "big") + 1).to_bytes(8, "big") + raw[12:]
    text = cosigned.text.replace(
        base64.b64encode(raw).decode(), base64.b64encode(tampered_time).decode()
    )
    key = NoteKey(
        name="w.example", public_key=witness.public_key, type=SignatureType.COSIGNATURE_V1
    )
    with pytest.raises(InvalidSignature):
        SignedCheckpoint.parse(text).verify([key])


def test_note_keys_are_ed25519_with_a_valid_name() -> None:
    with pytest.raises(UnsupportedError):
        NoteKey(name="x", public_key=PrivateKey.generate(KeyType.P256).public_key)
    with pytest.raises(UsageError):
        NoteKey(name="a+b", public_key=peter_key().public_key)
    with pytest.raises(UsageError):
        NoteKey(name="", public_key=peter_key().public_key)
