"""The vcid exception hierarchy and its stable error codes.

Every exception vcid raises derives from :class:`VcidError` and carries a
stable machine-readable ``code``. Messages may change between releases; codes
do not. Messages never contain personal data from a credential.

The hierarchy has three branches, after ssi's two-level outcome:

* :class:`UsageError`: the caller misused the API (a bug in the caller).
* :class:`InvalidError`: a decision was reached, and the answer is "invalid".
* :class:`IndeterminateError`: no decision could be reached (a context could
  not be loaded, a DID could not be resolved).

:class:`MalformedInputError` covers input that cannot be read at all (bad
JSON, bad multibase, a bad key); it is an :class:`InvalidError`.

The codes form one registry (:data:`CODES`). A verification report's checks
carry ``"OK"``, ``"SKIPPED"``, an alert code (:data:`MISSING_CHILD_ALERT`,
:data:`STATUS_MESSAGE`) or the code of an error class whose ``reported`` is
true: together these are :data:`CHECK_CODES`, and
``docs/verification-checks.md`` describes each of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Final


class VcidError(Exception):
    """Root of every error vcid raises."""

    code: ClassVar[str] = "VCID_ERROR"
    #: Whether a verification report's check may carry this class's code.
    #: False for the root (never raised itself) and for errors raised only
    #: by issuing, key-file and registrar code, which the verifier never runs.
    reported: ClassVar[bool] = False


# --- misuse ---------------------------------------------------------------


class UsageError(VcidError, ValueError):
    """The caller used the API wrongly (missing option, naive datetime)."""

    code = "USAGE_ERROR"
    reported = True  # the proofs engine reports a misuse met inside a step


class UnsupportedError(UsageError):
    """An algorithm, key type or cryptosuite vcid does not implement."""

    code = "UNSUPPORTED"


class PassphraseRequired(UsageError):
    """A key file is encrypted and no passphrase was given for it."""

    code = "PASSPHRASE_REQUIRED"
    reported = False


class WrongPassphrase(UsageError):
    """An encrypted key file could not be decrypted with the given passphrase."""

    code = "WRONG_PASSPHRASE"
    reported = False


class StatusNotAllocated(UsageError):
    """A credential id has no status entry (for that purpose) in the status store."""

    code = "STATUS_NOT_ALLOCATED"
    reported = False


class StatusTransitionError(UsageError):
    """A status change that is not allowed (revocation is permanent)."""

    code = "STATUS_TRANSITION"
    reported = False


# --- decision reached: invalid ----------------------------------------------


class InvalidError(VcidError):
    """A check ran to completion and found the input invalid."""

    code = "INVALID"
    reported = True


class MalformedInputError(InvalidError, ValueError):
    """Input that cannot be read: bad JSON, encoding, key or identifier."""

    code = "MALFORMED_INPUT"


class JSONParseError(MalformedInputError):
    """Not strict JSON (duplicate keys, NaN, too large, too deep)."""

    code = "INVALID_JSON"


class EncodingError(MalformedInputError):
    """Malformed multibase, multicodec, base64url or hex data."""

    code = "INVALID_ENCODING"


class KeyFormatError(MalformedInputError):
    """Key material that is malformed or of the wrong type or curve."""

    code = "INVALID_KEY"


class DIDSyntaxError(MalformedInputError):
    """A string that is not a valid DID or DID URL."""

    code = "INVALID_DID"


class CanonicalizationError(InvalidError):
    """A document or dataset could not be canonicalized."""

    code = "CANONICALIZATION_ERROR"


class CanonicalizationLimitError(CanonicalizationError):
    """Canonicalization exceeded its work limit (a poison graph)."""

    code = "CANONICALIZATION_LIMIT"


class JSONLDError(InvalidError):
    """A JSON-LD document is invalid or cannot be expanded."""

    code = "JSONLD_ERROR"


class UndefinedTermError(JSONLDError):
    """A property or type is not defined by the document's contexts."""

    code = "UNDEFINED_TERM"


class DataModelError(InvalidError):
    """A Verifiable Credentials Data Model rule is broken."""

    code = "DATA_MODEL"


class InvalidSignature(InvalidError):
    """A signature does not verify."""

    code = "INVALID_SIGNATURE"


class InvalidProof(InvalidError):
    """A proof is malformed or does not meet its cryptosuite's rules."""

    code = "INVALID_PROOF"


class PurposeMismatch(InvalidError):
    """A proof's purpose or verification relationship is not the one needed."""

    code = "PURPOSE_MISMATCH"


class ControllerMismatch(InvalidError):
    """The verification method is not controlled by the expected party."""

    code = "CONTROLLER_MISMATCH"


class ChallengeMismatch(InvalidError):
    """A proof's challenge is missing or differs from the expected one."""

    code = "CHALLENGE_MISMATCH"


class ChallengeRequired(ChallengeMismatch):
    """A presentation was verified without the challenge the verifier issued.

    Without one, a copied presentation can be replayed; a caller that really
    expects none must say so (``no_challenge=True``).
    """

    code = "CHALLENGE_REQUIRED"


class ChallengeUnknown(ChallengeMismatch):
    """A presentation's challenge was never issued by this verifier's store."""

    code = "CHALLENGE_UNKNOWN"


class ChallengeReplayed(ChallengeMismatch):
    """A single-use challenge was presented a second time (a replay)."""

    code = "CHALLENGE_REPLAYED"


class ChallengeExpired(ChallengeMismatch):
    """A challenge was presented after its expiry."""

    code = "CHALLENGE_EXPIRED"


class HolderNotBound(InvalidError):
    """The presenter is not bound to the credentials: no holder, not the signer,
    or not a parent, guardian or named companion of the child."""

    code = "HOLDER_NOT_BOUND"


class CredentialMissing(InvalidError):
    """A credential the crossing needs is missing, duplicated or did not verify."""

    code = "CREDENTIAL_MISSING"


class ChildMismatch(InvalidError):
    """The presented credentials are not about the same child."""

    code = "CHILD_MISMATCH"


class ConsentNotAuthorised(InvalidError):
    """A travel consent is not given by a holder of parental responsibility."""

    code = "CONSENT_NOT_AUTHORISED"


class DomainMismatch(InvalidError):
    """A proof's domain is missing or differs from the expected one."""

    code = "DOMAIN_MISMATCH"


class Expired(InvalidError):
    """A credential or proof is past its end of validity."""

    code = "EXPIRED"


class NotYetValid(InvalidError):
    """A credential or proof is not valid yet."""

    code = "NOT_YET_VALID"


class DIDDocumentError(MalformedInputError):
    """A DID document breaks a DID Core rule (id, verification method shape)."""

    code = "INVALID_DID_DOCUMENT"


class DigestMismatch(InvalidError):
    """A related resource's bytes do not match the digest the document gives."""

    code = "DIGEST_MISMATCH"


class StatusListError(MalformedInputError):
    """A status list or its encoding is malformed (Bitstring Status List §3)."""

    code = "STATUS_LIST_INVALID"


class StatusListLengthError(StatusListError):
    """A status list is shorter than the minimum of 131,072 entries (STATUS_LIST_LENGTH_ERROR)."""

    code = "STATUS_LIST_LENGTH"


class StatusRangeError(StatusListError):
    """A status entry's index lies outside its status list (RANGE_ERROR)."""

    code = "STATUS_RANGE"


class StatusEntryError(MalformedInputError):
    """A ``BitstringStatusListEntry`` breaks a rule of Bitstring Status List §2.1."""

    code = "STATUS_ENTRY_INVALID"


class StatusListUnverified(InvalidError):
    """A status list credential's proof does not verify (STATUS_VERIFICATION_ERROR)."""

    code = "STATUS_LIST_UNVERIFIED"


class StatusIssuerMismatch(InvalidError):
    """A status list was not issued by the credential's issuer."""

    code = "STATUS_ISSUER_MISMATCH"


class StatusPurposeMismatch(InvalidError):
    """A status list's ``statusPurpose`` does not include the entry's purpose."""

    code = "STATUS_PURPOSE_MISMATCH"


class StatusSizeMismatch(InvalidError):
    """An entry's ``statusSize`` or ``statusMessage`` disagrees with its status list's."""

    code = "STATUS_SIZE_MISMATCH"


class StatusListExpired(InvalidError):
    """A status list credential is past its ``validUntil``."""

    code = "STATUS_LIST_EXPIRED"


class StatusListNotYetValid(InvalidError):
    """A status list credential's ``validFrom`` is in the future."""

    code = "STATUS_LIST_NOT_YET_VALID"


class Revoked(InvalidError):
    """The credential has been revoked (permanently)."""

    code = "REVOKED"


class Suspended(InvalidError):
    """The credential is suspended (it may be reinstated)."""

    code = "SUSPENDED"


class AnchorRejected(InvalidError):
    """The anchoring contract refused an anchor (a tree size that does not grow,
    a duplicate tree head)."""

    code = "ANCHOR_REJECTED"
    reported = False


class AnchorMismatch(InvalidError):
    """An anchor reference does not match the checkpoint it is said to anchor."""

    code = "ANCHOR_MISMATCH"


class LedgerFormatError(MalformedInputError):
    """A malformed log entry, signed note, checkpoint or receipt (C2SP signed-note)."""

    code = "INVALID_LEDGER_DATA"


class InvalidInclusionProof(InvalidError):
    """A Merkle inclusion proof does not lead to the root (RFC 9162 §2.1.3.2)."""

    code = "INVALID_INCLUSION_PROOF"


class InvalidConsistencyProof(InvalidError):
    """A Merkle consistency proof does not join the two roots (RFC 9162 §2.1.4.2)."""

    code = "INVALID_CONSISTENCY_PROOF"


class LogInconsistent(InvalidError):
    """Two checkpoints of one log cannot both be true: a fork or a shrunk tree."""

    code = "LOG_INCONSISTENT"


class LeafMismatch(InvalidError):
    """A log leaf does not commit to the credential it is said to record."""

    code = "LEAF_MISMATCH"


class UntrustedIssuer(InvalidError):
    """The issuer is not in the verifier's trust registry (no accreditation at all)."""

    code = "UNTRUSTED_ISSUER"


class TypeNotAccredited(UntrustedIssuer):
    """The issuer is accredited, but not for this credential type."""

    code = "TYPE_NOT_ACCREDITED"


class OutsideJurisdiction(UntrustedIssuer):
    """The issuer is accredited for this type, but not for the credential's jurisdiction."""

    code = "OUTSIDE_JURISDICTION"


class AccreditationNotYetValid(UntrustedIssuer):
    """The issuer's accreditation starts after the credential's issuance time."""

    code = "ACCREDITATION_NOT_YET_VALID"


class AccreditationExpired(UntrustedIssuer):
    """The issuer's accreditation ended before the credential's issuance time."""

    code = "ACCREDITATION_EXPIRED"


class AccreditationRevoked(UntrustedIssuer):
    """The issuer's accreditation has been revoked (its status list says so)."""

    code = "ACCREDITATION_REVOKED"


class TrustChainBroken(UntrustedIssuer):
    """No sound chain leads from a trust anchor to the issuer's accreditation:
    a list that does not verify or has expired, a list by a party not
    accredited to publish one, or a link whose scope widens its parent's."""

    code = "TRUST_CHAIN_BROKEN"


class TrustListError(MalformedInputError):
    """A trust list credential is malformed (vcid ``TrustListCredential``)."""

    code = "TRUST_LIST_INVALID"
    reported = False  # loading raises it; a report says TRUST_CHAIN_BROKEN


class CredentialDataError(DataModelError):
    """A credential builder was given bad data (a future birth date, an unknown
    country code). ``field`` is the credential's property path, ``rule`` the
    rule broken; the message is ``"field: rule"`` and never carries the value."""

    code = "CREDENTIAL_DATA"
    reported = False

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}" if field else rule)
        self.field = field
        self.rule = rule

    def __reduce__(self) -> tuple[type[CredentialDataError], tuple[str, str]]:
        return (type(self), (self.field, self.rule))


class SchemaViolation(InvalidError):
    """A credential breaks a JSON Schema it names (VCDM 2.0 §5.4). ``field``
    is the property path, ``rule`` the schema keyword broken; the message
    never carries the value."""

    code = "SCHEMA_VIOLATION"

    def __init__(self, field: str, rule: str, *, more: int = 0) -> None:
        text = f"{field}: {rule}" if field else rule
        super().__init__(text + (f" (and {more} more)" if more else ""))
        self.field = field
        self.rule = rule
        self.more = more

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_schema_violation, (self.field, self.rule, self.more))


def _rebuild_schema_violation(field: str, rule: str, more: int) -> SchemaViolation:
    return SchemaViolation(field, rule, more=more)


class RegistrationRowError(MalformedInputError):
    """A row of a registration batch cannot be read (a missing column, a value
    that is not a date). The message names the column, never its value."""

    code = "INVALID_REGISTRATION_ROW"
    reported = False


class DuplicateRegistration(RegistrationRowError):
    """A batch row repeats a registration number already issued in that batch."""

    code = "DUPLICATE_REGISTRATION"


# --- no decision reached ----------------------------------------------------


class IndeterminateError(VcidError):
    """A check could not be completed, so no decision was reached."""

    code = "INDETERMINATE"
    reported = True


class DocumentLoadError(IndeterminateError):
    """A JSON-LD context or document could not be loaded (unknown URL)."""

    code = "DOCUMENT_LOAD_ERROR"


class DIDResolutionError(IndeterminateError):
    """A DID could not be resolved.

    ``error`` holds the DID Resolution error code, such as ``notFound``,
    ``invalidDid`` or ``methodNotSupported``.
    """

    code = "DID_RESOLUTION_ERROR"

    def __init__(self, message: str, *, error: str = "internalError") -> None:
        super().__init__(message)
        self.error = error


class FetchError(IndeterminateError):
    """An HTTPS resource could not be fetched (refused URL, network or TLS
    failure, another HTTP status, a body over the limit).

    ``status`` is the HTTP status when the server answered, else None. The
    message names the failure, never the response body.
    """

    code = "FETCH_FAILED"
    #: Callers map it to their own codes (did:web to a DID resolution error,
    #: status lists to ``STATUS_LIST_UNAVAILABLE``), so no report carries it.
    reported = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_fetch_error, (str(self), self.status))


def _rebuild_fetch_error(message: str, status: int | None) -> FetchError:
    return FetchError(message, status=status)


class StatusUnchecked(IndeterminateError):
    """A credential has a status entry but no status checker was configured."""

    code = "STATUS_UNCHECKED"


class AccreditationUnchecked(IndeterminateError):
    """An accreditation has a status entry that could not be checked (no
    status checker, or the list could not be had)."""

    code = "ACCREDITATION_UNCHECKED"


class StatusListUnavailable(IndeterminateError):
    """A status list could not be fetched (STATUS_RETRIEVAL_ERROR)."""

    code = "STATUS_LIST_UNAVAILABLE"


class StatusListStale(IndeterminateError):
    """The only status list at hand is older than the verifier accepts."""

    code = "STATUS_LIST_STALE"


class AnchorError(IndeterminateError):
    """An anchor could not be written or read (node unreachable, chain error)."""

    code = "ANCHOR_ERROR"


class LogEntryNotFound(IndeterminateError):
    """A commitment is not in the log, or no checkpoint covers it yet."""

    code = "LOG_ENTRY_NOT_FOUND"


class AnchorNotFinal(IndeterminateError):
    """A checkpoint is not anchored yet, or its anchor is not final."""

    code = "ANCHOR_NOT_FINAL"


class LedgerUnavailable(IndeterminateError):
    """A log store could not be read or written (locked, disk or connection error)."""

    code = "LEDGER_UNAVAILABLE"


class ChallengeStoreUnavailable(IndeterminateError):
    """The challenge store could not be read or written (locked, disk error)."""

    code = "CHALLENGE_STORE_UNAVAILABLE"


# --- the registry of codes ----------------------------------------------------

#: The code of a check that passed.
OK: Final = "OK"
#: The code of a check that did not apply (or was not asked for).
SKIPPED: Final = "SKIPPED"
#: A status entry's message says the child is reported missing (an alert).
MISSING_CHILD_ALERT: Final = "MISSING_CHILD_ALERT"
#: A status entry with any other non-zero message status (an alert).
STATUS_MESSAGE: Final = "STATUS_MESSAGE"

#: Every error class defined here, root first.
ERROR_CLASSES: Final[tuple[type[VcidError], ...]] = tuple(
    value
    for value in list(globals().values())
    if isinstance(value, type) and issubclass(value, VcidError)
)

#: Every stable code: an error code to its class (the most general class,
#: where a subclass keeps its parent's code), or None for a check code that
#: is not an error's (:data:`OK`, :data:`SKIPPED` and the alert codes).
CODES: Final[Mapping[str, type[VcidError] | None]] = MappingProxyType(
    {
        **dict.fromkeys((OK, SKIPPED, MISSING_CHILD_ALERT, STATUS_MESSAGE)),
        **{cls.code: cls for cls in reversed(ERROR_CLASSES)},
    }
)

#: The codes a verification report's checks can carry: the non-error codes
#: and the code of every error class with ``reported`` true.
#: ``docs/verification-checks.md`` describes exactly these.
CHECK_CODES: Final[frozenset[str]] = frozenset(
    code for code, cls in CODES.items() if cls is None or cls.reported
)
