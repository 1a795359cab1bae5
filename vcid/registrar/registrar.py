"""The registrar workflow: build, allocate status, sign, log.

One :class:`Registrar` holds a civil registrar's signing key and the
services it issues with. :meth:`Registrar.issue_birth` runs the whole
workflow for one birth record:

1. build the unsigned ``BirthCredential`` (:func:`vcid.credentials.birth_credential`);
2. if a :class:`~vcid.registrar.protocols.StatusAllocator` is given, add
   its ``BitstringStatusListEntry`` objects as ``credentialStatus``
   (Bitstring Status List §2.1; VCDM 2.0 §4.10);
3. sign it with an ``assertionMethod`` Data Integrity proof
   (:func:`vcid.issuer.issue`), created at ``now``;
4. if a :class:`~vcid.registrar.protocols.CommitmentLog` is given, append
   the credential's commitment (:func:`credential_commitment`).

Every step is deterministic for a given record, credential id and ``now``
(both signature schemes are deterministic: Ed25519 and RFC 6979 ECDSA), and
the allocator and log are idempotent, so repeating an issuance after a
crash yields the same credential and the same log leaf.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final

from vcid._json import JsonObject, JsonValue
from vcid.canon.jcs import canonicalize
from vcid.credentials import BirthRecord, birth_credential
from vcid.errors import UsageError
from vcid.issuer import SigningKey, issue
from vcid.jsonld import JsonLdProcessor
from vcid.model import require_aware
from vcid.proofs import SUPPORTED_SUITES
from vcid.registrar.commitment import credential_commitment
from vcid.registrar.protocols import CommitmentLog, StatusAllocator

#: The UUID namespace of birth credential ids (RFC 9562 §5.5, name-based, SHA-1).
BIRTH_CREDENTIAL_NAMESPACE: Final = uuid.uuid5(
    uuid.NAMESPACE_URL, "https://w3id.org/vcid/v1#BirthCredential"
)
#: The most status entries one credential may be given.
MAX_STATUS_ENTRIES: Final = 8
#: The longest registration number accepted for an id.
MAX_REGISTRATION_NUMBER: Final = 256


def birth_credential_id(issuer: str, registration_number: str) -> str:
    """The deterministic id of a registrar's birth credential: ``urn:uuid:`` + UUIDv5.

    The name is the JSON array ``[issuer, registration number]`` in its
    RFC 8785 form (so no two pairs share a name), and so one
    registrar can never issue two credentials with different ids for one
    registration, and two registrars never collide.

    :raises UsageError: for an empty or over-long value.
    """
    for name, value, limit in (
        ("issuer", issuer, 4096),
        ("registration number", registration_number, MAX_REGISTRATION_NUMBER),
    ):
        if not isinstance(value, str) or not value or len(value) > limit:
            raise UsageError(f"{name} must be a non-empty string of at most {limit} characters")
    name = canonicalize([issuer, registration_number]).decode("utf-8")  # unambiguous
    return f"urn:uuid:{uuid.uuid5(BIRTH_CREDENTIAL_NAMESPACE, name)}"


class Registrar:
    """A civil registrar: its signing key and the services it issues with.

    :param key: the registrar's signing key; its controller is the issuer.
    :param jsonld: the JSON-LD processor (contexts); one is made otherwise
        and kept, so its caches serve every credential.
    :param cryptosuite: the Data Integrity cryptosuite; by default the
        RDFC suite for the key's type.
    :param status_allocator: gives each credential its status entries.
    :param commitment_log: records each issued credential's commitment.
    :raises UsageError: for an unknown cryptosuite.
    """

    __slots__ = ("_allocator", "_cryptosuite", "_jsonld", "_key", "_log")

    def __init__(
        self,
        key: SigningKey,
        *,
        jsonld: JsonLdProcessor | None = None,
        cryptosuite: str | None = None,
        status_allocator: StatusAllocator | None = None,
        commitment_log: CommitmentLog | None = None,
    ) -> None:
        if cryptosuite is not None and cryptosuite not in SUPPORTED_SUITES:
            raise UsageError(f"unknown cryptosuite {cryptosuite!r}")
        self._key = key
        self._jsonld = JsonLdProcessor() if jsonld is None else jsonld
        self._cryptosuite = cryptosuite
        self._allocator = status_allocator
        self._log = commitment_log

    @property
    def issuer(self) -> str:
        """The registrar's DID (the signing key's controller)."""
        return self._key.controller

    @property
    def verification_method(self) -> str:
        return self._key.verification_method

    @property
    def cryptosuite(self) -> str | None:
        return self._cryptosuite

    @property
    def commitment_log(self) -> CommitmentLog | None:
        return self._log

    def birth_credential_id(self, registration_number: str) -> str:
        """This registrar's deterministic id for a registration number."""
        return birth_credential_id(self.issuer, registration_number)

    # -- the steps -----------------------------------------------------------

    def prepare_birth(
        self, record: BirthRecord, *, credential_id: str, now: datetime
    ) -> JsonObject:
        """Steps 1 and 2: the unsigned birth credential with its status entries.

        :raises CredentialDataError: for bad facts (see the builder).
        :raises UsageError: for misuse (a naive ``now``, a bad id).
        """
        return self.with_status(self.build_birth(record, credential_id=credential_id, now=now))

    def build_birth(self, record: BirthRecord, *, credential_id: str, now: datetime) -> JsonObject:
        """Step 1 alone: the unsigned birth credential, without status entries.

        :raises CredentialDataError: for bad facts (see the builder).
        :raises UsageError: for misuse (a naive ``now``, a bad id).
        """
        require_aware(now, "now")
        return birth_credential(record, issuer=self.issuer, credential_id=credential_id, now=now)

    def with_status(self, unsigned: Mapping[str, JsonValue]) -> JsonObject:
        """Step 2 for any credential: a copy with the allocator's ``credentialStatus``.

        Without an allocator the copy is returned as it is.

        :raises UsageError: if the credential has no ``id`` or already has a
            status, or the allocator returns no or malformed entries.
        """
        document: JsonObject = dict(unsigned)
        if self._allocator is None:
            return document
        credential_id = document.get("id")
        if not isinstance(credential_id, str):
            raise UsageError("a credential needs an 'id' to be given a status")
        if "credentialStatus" in document:
            raise UsageError("the credential already has a credentialStatus")
        entries = self._allocator.allocate(credential_id)
        if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_STATUS_ENTRIES:
            raise UsageError(f"the status allocator must return 1 to {MAX_STATUS_ENTRIES} entries")
        copies: list[JsonValue] = []
        for entry in entries:
            if not isinstance(entry, Mapping):
                raise UsageError("the status allocator returned an entry that is not an object")
            copies.append(dict(entry))
        document["credentialStatus"] = copies[0] if len(copies) == 1 else copies
        return document

    def sign(self, unsigned: Mapping[str, JsonValue], *, now: datetime) -> JsonObject:
        """Step 3: sign with an ``assertionMethod`` proof created at ``now``.

        :raises DataModelError: if the credential breaks a data model rule.
        :raises UndefinedTermError: if a term is not defined by its contexts.
        :raises UsageError: for a naive ``now`` or an issuer that is not
            this registrar.
        """
        require_aware(now, "now")
        return issue(
            unsigned,
            key=self._key,
            cryptosuite=self._cryptosuite,
            created=now,
            jsonld=self._jsonld,
        )

    def record(self, signed: Mapping[str, JsonValue], *, now: datetime) -> int | None:
        """Step 4: append the signed credential's commitment to the log.

        :returns: the leaf index, or ``None`` without a log.
        """
        if self._log is None:
            return None
        return self.record_commitment(credential_commitment(signed), now=now)

    def record_commitment(self, commitment: bytes, *, now: datetime) -> int | None:
        """Append an already computed commitment (see :meth:`record`)."""
        require_aware(now, "now")
        if self._log is None:
            return None
        return self._log.append_credential(commitment, issued_at=now)

    def record_commitments(self, commitments: Sequence[bytes], *, now: datetime) -> None:
        """Append many commitments, in one transaction when the log can batch.

        A log with ``append_credentials`` (every :mod:`vcid.ledger` log)
        takes the whole batch at once; any other :class:`CommitmentLog` gets
        one ``append_credential`` call each.
        """
        require_aware(now, "now")
        if self._log is None or not commitments:
            return
        append_many = getattr(self._log, "append_credentials", None)
        if callable(append_many):
            append_many(list(commitments), issued_at=now)
            return
        for commitment in commitments:
            self._log.append_credential(commitment, issued_at=now)

    # -- the workflow ----------------------------------------------------------

    def issue_credential(self, unsigned: Mapping[str, JsonValue], *, now: datetime) -> JsonObject:
        """Steps 2 to 4 for a credential built elsewhere (guardianship, say)."""
        signed = self.sign(self.with_status(unsigned), now=now)
        self.record(signed, now=now)
        return signed

    def issue_birth(self, record: BirthRecord, *, credential_id: str, now: datetime) -> JsonObject:
        """Build, allocate status, sign and log one birth credential.

        :param record: the registered facts.
        :param credential_id: the credential's ``urn:uuid:`` id (see
            :meth:`birth_credential_id` for the deterministic one).
        :param now: the issuance time (aware): ``validFrom`` and the proof's
            ``created``.
        :returns: the signed credential (a new dict).
        :raises CredentialDataError: for bad facts (a future birth date, an
            unknown country code, an empty name).
        :raises UsageError: for misuse.
        """
        unsigned = self.prepare_birth(record, credential_id=credential_id, now=now)
        signed = self.sign(unsigned, now=now)
        self.record(signed, now=now)
        return signed

    def __repr__(self) -> str:
        return f"Registrar(issuer={self.issuer!r}, cryptosuite={self._cryptosuite!r})"


__all__ = ["BIRTH_CREDENTIAL_NAMESPACE", "Registrar", "birth_credential_id"]
