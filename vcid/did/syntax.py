"""DID and DID URL syntax (DID Core §3.1 and §3.2).

The parsers follow the ABNF of DID Core exactly::

    did                = "did:" method-name ":" method-specific-id
    method-name        = 1*method-char
    method-char        = %x61-7A / DIGIT
    method-specific-id = *( *idchar ":" ) 1*idchar
    idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
    did-url            = did path-abempty [ "?" query ] [ "#" fragment ]

with ``path-abempty``, ``query`` and ``fragment`` from RFC 3986 §3.3 to §3.5.
Error messages name the rule that failed, never the input, since a DID can
identify a person.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

from vcid.errors import DIDSyntaxError

MAX_DID_LENGTH: Final = 4096
"""The longest DID or DID URL accepted, in characters."""

MAX_PARAMS: Final = 32
"""The most query parameters a DID URL may carry."""

_PCT: Final = r"%[0-9A-Fa-f]{2}"
_IDCHAR: Final = rf"(?:[A-Za-z0-9._-]|{_PCT})"
_METHOD_NAME: Final = r"[a-z0-9]+"
_METHOD_SPECIFIC_ID: Final = rf"(?:{_IDCHAR}*:)*{_IDCHAR}+"
# RFC 3986: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
_PCHAR: Final = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|{_PCT})"
_PATH_ABEMPTY: Final = rf"(?:/{_PCHAR}*)*"
_QUERY: Final = rf"(?:{_PCHAR}|[/?])*"

_DID_RE: Final = re.compile(rf"did:({_METHOD_NAME}):({_METHOD_SPECIFIC_ID})")
_DID_URL_RE: Final = re.compile(
    rf"did:({_METHOD_NAME}):({_METHOD_SPECIFIC_ID})"
    rf"({_PATH_ABEMPTY})(?:\?({_QUERY}))?(?:#({_QUERY}))?"
)
#: How many parsed DIDs and DID URLs are memoised (least recently used go first).
_PARSED_CACHE_SIZE: Final = 4096
_METHOD_NAME_RE: Final = re.compile(_METHOD_NAME)
_METHOD_SPECIFIC_ID_RE: Final = re.compile(_METHOD_SPECIFIC_ID)
_PATH_RE: Final = re.compile(_PATH_ABEMPTY)
_QUERY_RE: Final = re.compile(_QUERY)


@dataclass(frozen=True, slots=True)
class DID:
    """A DID (DID Core §3.1): ``did:<method>:<method-specific-id>``."""

    method: str
    method_specific_id: str

    def __post_init__(self) -> None:
        if not _METHOD_NAME_RE.fullmatch(self.method):
            raise DIDSyntaxError("DID method name must match [a-z0-9]+")
        if not _METHOD_SPECIFIC_ID_RE.fullmatch(self.method_specific_id):
            raise DIDSyntaxError("DID method-specific-id is not valid")

    def __str__(self) -> str:
        return f"did:{self.method}:{self.method_specific_id}"


@dataclass(frozen=True, slots=True)
class DIDURL:
    """A DID URL (DID Core §3.2): a DID with optional path, query, fragment.

    ``path`` is ``""`` when absent; ``query`` and ``fragment`` are ``None``
    when absent (an empty ``?`` or ``#`` gives ``""``). All three are kept
    percent-encoded as written.
    """

    did: DID
    path: str = ""
    query: str | None = None
    fragment: str | None = None

    def __post_init__(self) -> None:
        if not _PATH_RE.fullmatch(self.path):
            raise DIDSyntaxError("DID URL path is not a valid path-abempty")
        if self.query is not None and not _QUERY_RE.fullmatch(self.query):
            raise DIDSyntaxError("DID URL query has characters RFC 3986 forbids")
        if self.fragment is not None and not _QUERY_RE.fullmatch(self.fragment):
            raise DIDSyntaxError("DID URL fragment has characters RFC 3986 forbids")
        _split_params(self.query)

    @property
    def params(self) -> dict[str, str]:
        """The query's DID parameters (DID Core §3.2.1), percent-decoded."""
        return dict(_split_params(self.query))

    @property
    def is_bare_did(self) -> bool:
        """True when there is no path, query or fragment."""
        return self.path == "" and self.query is None and self.fragment is None

    def __str__(self) -> str:
        text = f"{self.did}{self.path}"
        if self.query is not None:
            text += f"?{self.query}"
        if self.fragment is not None:
            text += f"#{self.fragment}"
        return text


def _check_input(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise DIDSyntaxError(f"a {what} must be a string")
    if len(value) > MAX_DID_LENGTH:
        raise DIDSyntaxError(f"a {what} is limited to {MAX_DID_LENGTH} characters")
    return value


def _split_params(query: str | None) -> list[tuple[str, str]]:
    """Split ``a=b&c=d`` into decoded pairs; names must be unique."""
    if not query:
        return []
    pieces = query.split("&")
    if len(pieces) > MAX_PARAMS:
        raise DIDSyntaxError(f"a DID URL may carry at most {MAX_PARAMS} parameters")
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for piece in pieces:
        raw_name, _, raw_value = piece.partition("=")
        try:
            name = unquote(raw_name, errors="strict")
            value = unquote(raw_value.replace("+", " "), errors="strict")
        except UnicodeDecodeError:
            raise DIDSyntaxError("DID URL query is not percent-encoded UTF-8") from None
        if not name:
            raise DIDSyntaxError("DID URL query has a parameter without a name")
        if name in seen:
            raise DIDSyntaxError("DID URL query repeats a parameter name")
        seen.add(name)
        pairs.append((name, value))
    return pairs


def parse_did(value: str) -> DID:
    """Parse a DID (DID Core §3.1), with no path, query or fragment.

    :param value: the DID string.
    :raises DIDSyntaxError: if ``value`` is not a DID or is too long.
    """
    return _parse_did(_check_input(value, "DID"))


@functools.lru_cache(maxsize=_PARSED_CACHE_SIZE)
def _parse_did(text: str) -> DID:
    """Parse a checked DID string; results are immutable, so they are memoised."""
    match = _DID_RE.fullmatch(text)
    if match is None:
        raise DIDSyntaxError("not a DID: does not match the DID Core §3.1 ABNF")
    return DID(match.group(1), match.group(2))


def parse_did_url(value: str) -> DIDURL:
    """Parse an absolute DID URL (DID Core §3.2).

    A plain DID is a DID URL too. Relative references such as ``#key-1``
    are not DID URLs; resolve them against a base DID first.

    :param value: the DID URL string.
    :raises DIDSyntaxError: if ``value`` is not a DID URL, is too long, or
        its query has malformed or repeated parameters.
    """
    return _parse_did_url(_check_input(value, "DID URL"))


@functools.lru_cache(maxsize=_PARSED_CACHE_SIZE)
def _parse_did_url(text: str) -> DIDURL:
    """Parse a checked DID URL string (memoised: a verifier sees the same few)."""
    match = _DID_URL_RE.fullmatch(text)
    if match is None:
        raise DIDSyntaxError("not a DID URL: does not match the DID Core §3.2 ABNF")
    return DIDURL(
        DID(match.group(1), match.group(2)),
        match.group(3),
        match.group(4),
        match.group(5),
    )


def is_did(value: object) -> bool:
    """True if ``value`` is a string that parses as a DID."""
    if not isinstance(value, str):
        return False
    try:
        parse_did(value)
    except DIDSyntaxError:
        return False
    return True


__all__ = [
    "DID",
    "DIDURL",
    "MAX_DID_LENGTH",
    "MAX_PARAMS",
    "is_did",
    "parse_did",
    "parse_did_url",
]
