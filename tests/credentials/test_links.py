"""relatedResource digests of credentials, and the ISO 3166-1 list."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcid._json import JsonObject
from vcid.credentials import COUNTRY_CODES, credential_digest_multibase, is_country_code
from vcid.credentials.links import digest_link, matches_digest
from vcid.errors import CredentialDataError, UsageError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_known_answer() -> None:
    """'u' + base64url(sha256(JCS)) of a small credential, computed independently."""
    credential: JsonObject = {"id": "urn:uuid:1", "b": [1, "é"], "a": True}
    canonical = '{"a":true,"b":[1,"é"],"id":"urn:uuid:1"}'.encode()
    digest = hashlib.sha256(canonical).digest()
    expected = "u" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert credential_digest_multibase(credential) == expected
    assert len(expected) == 44


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_key_order_does_not_matter(document: JsonObject) -> None:
    """The digest is over the canonical form: reordering keys keeps it."""
    reordered = dict(reversed(list(document.items())))
    assert credential_digest_multibase(reordered) == credential_digest_multibase(document)
    assert matches_digest(document, credential_digest_multibase(document))


def test_any_change_breaks_the_link() -> None:
    """Changing one value, or adding a proof, gives another digest."""
    credential: JsonObject = {"id": "urn:uuid:1", "credentialSubject": {"givenName": "A"}}
    link = digest_link(credential, field="birthCredential")
    assert link["id"] == "urn:uuid:1"
    changed = copy.deepcopy(credential)
    changed["credentialSubject"] = {"givenName": "B"}
    assert not matches_digest(changed, link["digestMultibase"])
    signed: JsonObject = {**credential, "proof": {"type": "DataIntegrityProof"}}
    assert not matches_digest(signed, link["digestMultibase"])
    assert matches_digest(credential, link["digestMultibase"])
    assert not matches_digest(credential, None)
    assert not matches_digest(credential, "ü" * 44)


def test_link_needs_an_id() -> None:
    """A credential without an id cannot be linked (named by field)."""
    with pytest.raises(CredentialDataError, match=r"^birthCredential.id: "):
        digest_link({"type": ["VerifiableCredential"]}, field="birthCredential")


def test_not_a_mapping_is_misuse() -> None:
    with pytest.raises(UsageError):
        credential_digest_multibase(json.loads("[1]"))


def test_country_codes() -> None:
    """249 assigned codes, sorted, upper case; user-assigned and lower case are not codes."""
    assert len(COUNTRY_CODES) == 249
    assert list(COUNTRY_CODES) == sorted(set(COUNTRY_CODES))
    for code in ("ZA", "NL", "CA", "US", "MD", "SS", "BQ"):
        assert is_country_code(code)
    for other in ("XK", "EU", "UK", "za", "ZAF", "", None, 1):
        assert not is_country_code(other)
