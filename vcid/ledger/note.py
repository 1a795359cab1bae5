"""Signed notes and checkpoints (C2SP signed-note, tlog-checkpoint, tlog-cosignature).

A signed note is UTF-8 text, a blank line, and signature lines
``— <key name> base64(key ID || signature)``. A checkpoint is a note whose
text is the log's origin, tree size, base64 root hash and one extension line
``time <unix seconds>``, so the time is signed with the tree head::

    registry.example/births
    42
    3q2+7w...=
    time 1767225600

    — registry.example/births AbCd...

The log signs with an Ed25519 key (signature type ``0x01``), named by the
origin. Witnesses add Ed25519 cosignatures (type ``0x04``,
``cosignature/v1``). Verifiers configure the keys they trust; signature
lines of other keys are ignored, as the note spec requires.

Parsing is strict and bounded (:data:`MAX_NOTE_BYTES`, :data:`MAX_SIGNATURES`).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Protocol

from vcid.errors import (
    InvalidSignature,
    KeyFormatError,
    LedgerFormatError,
    UnsupportedError,
    UsageError,
)
from vcid.keys import KeyType, PublicKey
from vcid.ledger.merkle import HASH_SIZE, MAX_TREE_SIZE
from vcid.model import require_aware

__all__ = [
    "MAX_NOTE_BYTES",
    "MAX_ORIGIN_BYTES",
    "MAX_SIGNATURES",
    "Checkpoint",
    "Note",
    "NoteKey",
    "NoteSignature",
    "NoteSigner",
    "SignatureType",
    "SignedCheckpoint",
    "check_key_name",
    "sign_checkpoint",
    "sign_note",
]

#: The largest note accepted (a checkpoint with 100 Ed25519 signatures is ~12 KiB).
MAX_NOTE_BYTES: Final = 64 * 1024
#: The most signature lines accepted (the spec asks for at least 16).
MAX_SIGNATURES: Final = 100
#: The longest origin or key name, in UTF-8 bytes.
MAX_ORIGIN_BYTES: Final = 1024
_MAX_TIME: Final = 2**63 - 1
_ED25519_SIGNATURE: Final = 64
_DECIMAL: Final = re.compile(r"0|[1-9][0-9]{0,18}")
_DASH: Final = "\u2014 "
_COSIGNATURE_HEADER: Final = "cosignature/v1\n"


class SignatureType(enum.IntEnum):
    """Note signature type identifiers (C2SP signed-note §Signature types)."""

    ED25519 = 0x01
    COSIGNATURE_V1 = 0x04


class NoteSigner(Protocol):
    """An Ed25519 signer that also tells its public key (needed for the key ID).

    :class:`vcid.keys.PrivateKey` is one; an HSM-held key can be another.
    """

    @property
    def key_type(self) -> KeyType: ...

    @property
    def public_key(self) -> PublicKey: ...

    def sign(self, data: bytes) -> bytes: ...


def check_key_name(name: object, what: str = "key name") -> str:
    """Check a note key name (or checkpoint origin): non-empty, no spaces or ``+``.

    :raises UsageError: for any other value.
    """
    if not isinstance(name, str) or not name:
        raise UsageError(f"{what} must be a non-empty string")
    if _bad_name(name):
        raise UsageError(f"{what} must have no spaces, '+' or control characters")
    if len(name.encode("utf-8", errors="surrogatepass")) > MAX_ORIGIN_BYTES:
        raise UsageError(f"{what} is longer than {MAX_ORIGIN_BYTES} bytes")
    return name


def _bad_name(name: str) -> bool:
    return any(c.isspace() or c == "+" or ord(c) < 0x20 or c == "\x7f" for c in name)


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64 (RFC 4648 §4): padded, canonical."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise LedgerFormatError(f"{what} is not base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise LedgerFormatError(f"{what} is not canonical base64")
    return data


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _ed25519_key(public_key: object) -> PublicKey:
    if not isinstance(public_key, PublicKey):
        raise UsageError("public_key must be a vcid.keys.PublicKey")
    if public_key.key_type is not KeyType.ED25519:
        raise UnsupportedError("note signatures use Ed25519 keys only")
    return public_key


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteKey:
    """A key a verifier trusts: its name, Ed25519 public key and signature type.

    :raises UsageError: for a bad name or a key that is not Ed25519.
    """

    name: str
    public_key: PublicKey
    type: SignatureType = SignatureType.ED25519
    key_id: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)
        _ed25519_key(self.public_key)
        object.__setattr__(self, "type", SignatureType(self.type))
        digest = hashlib.sha256(
            self.name.encode("utf-8") + b"\n" + bytes((self.type,)) + self.public_key.raw
        ).digest()
        object.__setattr__(self, "key_id", digest[:4])

    def to_vkey(self) -> str:
        """The verifier key string ``<name>+<hex key ID>+<base64(type || key)>``."""
        material = _b64encode(bytes((self.type,)) + self.public_key.raw)
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteKey:
        """Parse a verifier key string (golang.org/x/mod/sumdb/note format).

        :raises LedgerFormatError: for a malformed string or a key ID mismatch.
        """
        if not isinstance(vkey, str) or len(vkey) > MAX_ORIGIN_BYTES + 128:
            raise LedgerFormatError("a verifier key is a short string")
        parts = vkey.split("+", 2)  # base64 may hold '+', a name may not
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise LedgerFormatError("a verifier key is <name>+<8 hex digits>+<base64 key>")
        material = _b64decode(parts[2], "verifier key")
        if len(material) != 33:
            raise LedgerFormatError("a verifier key holds a type byte and a 32-byte key")
        try:
            kind = SignatureType(material[0])
            key = cls(name=parts[0], public_key=PublicKey(KeyType.ED25519, material[1:]), type=kind)
        except (ValueError, KeyFormatError, UsageError):
            raise LedgerFormatError("verifier key has a bad name, type or key") from None
        if key.key_id.hex() != parts[1]:
            raise LedgerFormatError("verifier key ID does not match its name and key")
        return key

    def verify(self, text: str, signature: NoteSignature) -> None:
        """Verify one signature line of ``text`` by this key.

        :raises InvalidSignature: if the signature is not this key's over ``text``.
        """
        if signature.name != self.name or signature.key_id != self.key_id:
            raise InvalidSignature("signature is by another key")
        message = text.encode("utf-8")
        sig = signature.signature
        if self.type is SignatureType.COSIGNATURE_V1:
            if len(sig) != 8 + _ED25519_SIGNATURE:
                raise InvalidSignature("a cosignature is a timestamp and 64 bytes")
            timestamp = int.from_bytes(sig[:8], "big")
            if timestamp > _MAX_TIME:
                raise InvalidSignature("cosignature timestamp is out of range")
            message = f"{_COSIGNATURE_HEADER}time {timestamp}\n".encode() + message
            sig = sig[8:]
        if len(sig) != _ED25519_SIGNATURE:
            raise InvalidSignature("an Ed25519 signature is 64 bytes")
        self.public_key.verify(sig, message)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID, signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if not isinstance(self.key_id, bytes) or len(self.key_id) != 4:
            raise UsageError("a key ID is 4 bytes")
        if not isinstance(self.signature, bytes) or not self.signature:
            raise UsageError("a signature is non-empty bytes")

    def line(self) -> str:
        """The line ``— <name> base64(key ID || signature)\\n``."""
        return f"{_DASH}{self.name} {_b64encode(self.key_id + self.signature)}\n"

    @property
    def timestamp(self) -> int | None:
        """A cosignature's timestamp, if the signature has the cosignature shape."""
        if len(self.signature) == 8 + _ED25519_SIGNATURE:
            return int.from_bytes(self.signature[:8], "big")
        return None


def _sign(
    text: str, signer: NoteSigner, *, name: str, type: SignatureType, now: datetime | None
) -> NoteSignature:
    if not isinstance(signer.key_type, KeyType) or signer.key_type is not KeyType.ED25519:
        raise UnsupportedError("note signatures use Ed25519 keys only")
    key = NoteKey(name=name, public_key=signer.public_key, type=type)
    message = text.encode("utf-8")
    prefix = b""
    if type is SignatureType.COSIGNATURE_V1:
        if now is None:
            raise UsageError("a cosignature needs now")
        seconds = int(require_aware(now, "now").timestamp())
        if not 0 <= seconds <= _MAX_TIME:
            raise UsageError("now is out of range for a cosignature")
        prefix = seconds.to_bytes(8, "big")
        message = f"{_COSIGNATURE_HEADER}time {seconds}\n".encode() + message
    signature = NoteSignature(name=name, key_id=key.key_id, signature=prefix + signer.sign(message))
    key.verify(text, signature)  # a faulty signer must not publish a bad line
    return signature


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A signed note: its text (ending in a newline) and signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        _check_text(self.text)
        if not self.signatures:
            raise UsageError("a signed note has at least one signature")
        if len(self.signatures) > MAX_SIGNATURES:
            raise UsageError(f"a note has at most {MAX_SIGNATURES} signatures")

    def to_text(self) -> str:
        """The serialized note: text, a blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    @classmethod
    def parse(cls, data: str | bytes) -> Note:
        """Parse a signed note strictly (C2SP signed-note §Format); nothing is verified.

        :raises LedgerFormatError: for too large, non-UTF-8 or control-character
            input, a missing blank line, a malformed signature line, or too
            many signatures.
        """
        if isinstance(data, str):
            if len(data) > MAX_NOTE_BYTES:
                raise LedgerFormatError(f"a note is at most {MAX_NOTE_BYTES} bytes")
            try:
                data = data.encode("utf-8")
            except UnicodeEncodeError:
                raise LedgerFormatError("a note must be valid UTF-8") from None
        if not isinstance(data, bytes):
            raise UsageError("a note is str or bytes")
        if len(data) > MAX_NOTE_BYTES:
            raise LedgerFormatError(f"a note is at most {MAX_NOTE_BYTES} bytes")
        try:
            message = data.decode("utf-8")
        except UnicodeDecodeError:
            raise LedgerFormatError("a note must be valid UTF-8") from None
        if any(ord(c) < 0x20 and c != "\n" for c in message):
            raise LedgerFormatError("a note must not contain control characters")
        if not message.endswith("\n"):
            raise LedgerFormatError("a note must end with a newline")
        split = message.rfind("\n\n")
        if split < 0:
            raise LedgerFormatError("a note needs a blank line before its signatures")
        text, block = message[: split + 1], message[split + 2 :]
        lines = block.split("\n")[:-1]
        if not lines:
            raise LedgerFormatError("a note needs at least one signature line")
        if len(lines) > MAX_SIGNATURES:
            raise LedgerFormatError(f"a note has at most {MAX_SIGNATURES} signatures")
        signatures = tuple(_parse_signature_line(line) for line in lines)
        if text == "\n":
            raise LedgerFormatError("a note's text must not be empty")
        return cls(text=text, signatures=signatures)

    def verify(self, keys: Iterable[NoteKey]) -> tuple[NoteKey, ...]:
        """The keys among ``keys`` whose signatures verify.

        Signature lines of unknown keys (name and key ID not both matching)
        are ignored. A line matching a known key must verify.

        :raises InvalidSignature: if a known key's signature fails, or no
            known key signed the note.
        """
        known = list(keys)
        for key in known:
            if not isinstance(key, NoteKey):
                raise UsageError("keys must be NoteKey values")
        verified: list[NoteKey] = []
        for signature in self.signatures:
            candidates = [
                k for k in known if k.name == signature.name and k.key_id == signature.key_id
            ]
            if not candidates:
                continue
            for key in candidates:
                try:
                    key.verify(self.text, signature)
                except InvalidSignature:
                    continue
                if key not in verified:
                    verified.append(key)
                break
            else:
                raise InvalidSignature("a signature by a known key does not verify")
        if not verified:
            raise InvalidSignature("the note has no signature by a known key")
        return tuple(verified)


def _check_text(text: object) -> str:
    if not isinstance(text, str) or not text.endswith("\n") or text == "\n":
        raise UsageError("note text is non-empty and ends with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise UsageError("note text must not contain control characters")
    return text


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_DASH):
        raise LedgerFormatError("a signature line starts with an em dash and a space")
    parts = line[len(_DASH) :].split(" ")
    if len(parts) != 2:
        raise LedgerFormatError("a signature line is a key name and a base64 signature")
    name, encoded = parts
    if not name or _bad_name(name) or len(name.encode("utf-8")) > MAX_ORIGIN_BYTES:
        raise LedgerFormatError("a signature line has a malformed key name")
    raw = _b64decode(encoded, "signature")
    if len(raw) < 5:
        raise LedgerFormatError("a signature is a 4-byte key ID and a signature")
    return NoteSignature(name=name, key_id=raw[:4], signature=raw[4:])


# --- checkpoints ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """A log's tree head: origin, tree size, root hash, and time (whole seconds, UTC).

    :raises UsageError: for a bad origin, size, root or a naive time.
    """

    origin: str
    tree_size: int
    root: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        check_key_name(self.origin, "origin")
        if isinstance(self.tree_size, bool) or not isinstance(self.tree_size, int):
            raise UsageError("tree_size must be an int")
        if not 0 <= self.tree_size <= MAX_TREE_SIZE:
            raise UsageError("tree_size must be in [0, 2**63)")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise UsageError("root must be 32 bytes")
        stamp = require_aware(self.timestamp, "timestamp").astimezone(UTC).replace(microsecond=0)
        if not 0 <= stamp.timestamp() <= _MAX_TIME:
            raise UsageError("timestamp must not be before 1970")
        object.__setattr__(self, "timestamp", stamp)

    @property
    def time(self) -> int:
        """The timestamp in Unix seconds."""
        return int(self.timestamp.timestamp())

    def body(self) -> str:
        """The note text: origin, size, base64 root, ``time`` extension line."""
        return f"{self.origin}\n{self.tree_size}\n{_b64encode(self.root)}\ntime {self.time}\n"

    @classmethod
    def parse_body(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body strictly (C2SP tlog-checkpoint §Note text).

        :raises LedgerFormatError: unless the text is exactly the four lines
            :meth:`body` writes.
        """
        if not isinstance(text, str) or not text.endswith("\n"):
            raise LedgerFormatError("a checkpoint body ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) != 4:
            raise LedgerFormatError("a checkpoint has origin, size, root and time lines")
        origin, size, root, stamp = lines
        if not origin or _bad_name(origin) or len(origin.encode("utf-8")) > MAX_ORIGIN_BYTES:
            raise LedgerFormatError("checkpoint origin is malformed")
        if not _DECIMAL.fullmatch(size) or int(size) > MAX_TREE_SIZE:
            raise LedgerFormatError("checkpoint tree size is not a decimal below 2**63")
        digest = _b64decode(root, "checkpoint root")
        if len(digest) != HASH_SIZE:
            raise LedgerFormatError("checkpoint root is not 32 bytes")
        seconds = stamp.removeprefix("time ")
        if seconds == stamp or not _DECIMAL.fullmatch(seconds) or int(seconds) > _MAX_TIME:
            raise LedgerFormatError("checkpoint time line is 'time <unix seconds>'")
        return cls(
            origin=origin,
            tree_size=int(size),
            root=digest,
            timestamp=datetime.fromtimestamp(int(seconds), UTC),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedCheckpoint:
    """A checkpoint as a signed note: its text, the parsed checkpoint, the signatures.

    Build one with :func:`sign_checkpoint` or :meth:`parse`; nothing here is
    verified until :meth:`verify` is called.
    """

    text: str
    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        note = Note(text=self.checkpoint.body(), signatures=self.signatures)
        if note.to_text() != self.text:
            raise UsageError("text must be the checkpoint body and its signature lines")

    @classmethod
    def parse(cls, data: str | bytes) -> SignedCheckpoint:
        """Parse a signed checkpoint strictly; nothing is verified.

        :raises LedgerFormatError: for a malformed note or checkpoint body.
        """
        note = Note.parse(data)
        checkpoint = Checkpoint.parse_body(note.text)
        return cls(text=note.to_text(), checkpoint=checkpoint, signatures=note.signatures)

    @property
    def note(self) -> Note:
        return Note(text=self.checkpoint.body(), signatures=self.signatures)

    def verify(self, keys: Iterable[NoteKey]) -> tuple[NoteKey, ...]:
        """The keys that signed this checkpoint (see :meth:`Note.verify`).

        :raises InvalidSignature: if a known key's signature fails or none signed.
        """
        return self.note.verify(keys)

    def verify_log_key(self, public_keys: Sequence[PublicKey]) -> PublicKey:
        """The log key among ``public_keys`` (named by the origin) that signed this.

        Keys that are not Ed25519 are skipped.

        :raises InvalidSignature: if no Ed25519 key in ``public_keys`` signed it.
        """
        candidates = [
            NoteKey(name=self.checkpoint.origin, public_key=key)
            for key in public_keys
            if isinstance(key, PublicKey) and key.key_type is KeyType.ED25519
        ]
        if not candidates:
            raise InvalidSignature("no Ed25519 key to verify the checkpoint with")
        return self.verify(candidates)[0].public_key

    def cosign(self, signer: NoteSigner, *, name: str, now: datetime) -> SignedCheckpoint:
        """This checkpoint with a witness cosignature (C2SP tlog-cosignature, Ed25519) added.

        :raises UsageError: for a bad name, a naive ``now``, or too many signatures.
        :raises UnsupportedError: for a signer that is not Ed25519.
        """
        line = _sign(
            self.checkpoint.body(),
            signer,
            name=name,
            type=SignatureType.COSIGNATURE_V1,
            now=now,
        )
        signatures = (*self.signatures, line)
        note = Note(text=self.checkpoint.body(), signatures=signatures)
        return SignedCheckpoint(
            text=note.to_text(), checkpoint=self.checkpoint, signatures=signatures
        )


def sign_checkpoint(
    checkpoint: Checkpoint, signer: NoteSigner, *, name: str | None = None
) -> SignedCheckpoint:
    """Sign ``checkpoint`` as a note with an Ed25519 key (type ``0x01``).

    :param name: the key name; the origin by default (tlog-checkpoint §Signatures).
    :raises UnsupportedError: for a signer that is not Ed25519.
    :raises InvalidSignature: if the signer's signature does not verify.
    """
    if not isinstance(checkpoint, Checkpoint):
        raise UsageError("checkpoint must be a Checkpoint")
    text = checkpoint.body()
    signature = _sign(
        text, signer, name=name or checkpoint.origin, type=SignatureType.ED25519, now=None
    )
    note = Note(text=text, signatures=(signature,))
    return SignedCheckpoint(text=note.to_text(), checkpoint=checkpoint, signatures=(signature,))


def sign_note(text: str, signer: NoteSigner, *, name: str) -> Note:
    """Sign any note text with an Ed25519 key (C2SP signed-note, type ``0x01``).

    :raises UsageError: for text that is empty, lacks its final newline or
        holds control characters, or a bad key name.
    :raises UnsupportedError: for a signer that is not Ed25519.
    """
    _check_text(text)
    signature = _sign(text, signer, name=name, type=SignatureType.ED25519, now=None)
    return Note(text=text, signatures=(signature,))
