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
"""

from __future__ import annotations

from typing import ClassVar


class VcidError(Exception):
    """Root of every error vcid raises."""

    code: ClassVar[str] = "VCID_ERROR"


# --- misuse ---------------------------------------------------------------


class UsageError(VcidError, ValueError):
    """The caller used the API wrongly (missing option, naive datetime)."""

    code = "USAGE_ERROR"


class UnsupportedError(UsageError):
    """An algorithm, key type or cryptosuite vcid does not implement."""

    code = "UNSUPPORTED"


# --- decision reached: invalid ----------------------------------------------


class InvalidError(VcidError):
    """A check ran to completion and found the input invalid."""

    code = "INVALID"


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


# --- no decision reached ----------------------------------------------------


class IndeterminateError(VcidError):
    """A check could not be completed, so no decision was reached."""

    code = "INDETERMINATE"


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


class StatusUnchecked(IndeterminateError):
    """A credential has a status entry but no status checker was configured."""

    code = "STATUS_UNCHECKED"
