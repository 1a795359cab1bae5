"""DID and DID URL syntax: DID Core §3.1 and §3.2 ABNF."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.did.syntax import (
    DID,
    DIDURL,
    MAX_DID_LENGTH,
    is_did,
    parse_did,
    parse_did_url,
)
from vcid.errors import DIDSyntaxError, MalformedInputError

VALID_DIDS = [
    ("did:example:123456789abcdefghi", "example", "123456789abcdefghi"),
    ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "key", None),
    ("did:web:example.com%3A3000:user:alice", "web", "example.com%3A3000:user:alice"),
    ("did:a1:b", "a1", "b"),
    ("did:example:a::b", "example", "a::b"),
    ("did:example::a", "example", ":a"),
    ("did:example:%20x", "example", "%20x"),
    ("did:example:A.B-C_D", "example", "A.B-C_D"),
    ("did:0:x", "0", "x"),
]

INVALID_DIDS = [
    "",
    "did",
    "did:",
    "did:example",
    "did:example:",
    "did:example:abc:",  # no trailing ':'
    "did:Example:abc",  # method name is lowercase
    "did:ex-ample:abc",
    "did:ex_ample:abc",
    "DID:example:abc",
    "did::abc",
    "did:example:ab c",
    "did:example:a/b",
    "did:example:a#b",
    "did:example:a?b",
    "did:example:%2",  # truncated pct-encoding
    "did:example:%zz",
    "did:example:é",
    " did:example:abc",
    "did:example:abc\n",
    "urn:example:abc",
]


@pytest.mark.parametrize(("text", "method", "msid"), VALID_DIDS)
def test_valid_dids_parse_and_round_trip(text: str, method: str, msid: str | None) -> None:
    did = parse_did(text)
    assert did.method == method
    if msid is not None:
        assert did.method_specific_id == msid
    assert str(did) == text
    assert is_did(text)


@pytest.mark.parametrize("text", INVALID_DIDS)
def test_invalid_dids_are_rejected(text: str) -> None:
    with pytest.raises(DIDSyntaxError) as info:
        parse_did(text)
    assert info.value.code == "INVALID_DID"
    assert isinstance(info.value, MalformedInputError)
    assert not is_did(text)


def test_error_messages_do_not_echo_the_input() -> None:
    secret = "did:example:alice smith"
    with pytest.raises(DIDSyntaxError) as info:
        parse_did(secret)
    assert "alice" not in str(info.value)


def test_non_string_is_rejected() -> None:
    with pytest.raises(DIDSyntaxError):
        parse_did(42)  # type: ignore[arg-type]
    assert not is_did(None)


def test_length_is_bounded() -> None:
    head = "did:example:"
    parse_did(head + "a" * (MAX_DID_LENGTH - len(head)))
    with pytest.raises(DIDSyntaxError, match="limited"):
        parse_did(head + "a" * (MAX_DID_LENGTH - len(head) + 1))
    with pytest.raises(DIDSyntaxError, match="limited"):
        parse_did_url(head + "a#" + "b" * MAX_DID_LENGTH)


def test_did_constructor_validates() -> None:
    assert str(DID("example", "abc")) == "did:example:abc"
    with pytest.raises(DIDSyntaxError):
        DID("Example", "abc")
    with pytest.raises(DIDSyntaxError):
        DID("example", "abc:")


# --- DID URLs ---------------------------------------------------------------------

VALID_URLS = [
    ("did:example:123", "", None, None),
    ("did:example:123#key-1", "", None, "key-1"),
    ("did:example:123#", "", None, ""),
    ("did:example:123/path/to/x", "/path/to/x", None, None),
    ("did:example:123/", "/", None, None),
    ("did:example:123?service=files", "", "service=files", None),
    (
        "did:example:123/a?versionTime=2021-05-10T17:00:00Z#frag",
        "/a",
        "versionTime=2021-05-10T17:00:00Z",
        "frag",
    ),
    ("did:example:123#a/b?c:@!$&'()*+,;=", "", None, "a/b?c:@!$&'()*+,;="),
    ("did:example:123?a=%20b#%41", "", "a=%20b", "%41"),
    (
        "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP#z6Mkf5",
        "",
        None,
        "z6Mkf5",
    ),
]

INVALID_URLS = [
    "#key-1",  # relative reference, not a DID URL
    "did:example:123#a#b",
    "did:example:123#a b",
    "did:example:123#a[b]",
    "did:example:123?a b",
    "did:example:123/a b",
    "did:example:123#%zz",
    "did:example:123?%",
    "did:example:123#\u00e9",
    "did:example:abc:#frag",
    "did:example:123?a=1&a=2",  # repeated parameter
    "did:example:123?=x",  # parameter without a name
    "did:example:123?a=%FF",  # not UTF-8
]


@pytest.mark.parametrize(("text", "path", "query", "fragment"), VALID_URLS)
def test_valid_did_urls(text: str, path: str, query: str | None, fragment: str | None) -> None:
    url = parse_did_url(text)
    assert (url.path, url.query, url.fragment) == (path, query, fragment)
    assert str(url) == text
    assert str(url.did) == re.split(r"[/?#]", text, maxsplit=1)[0]


@pytest.mark.parametrize("text", INVALID_URLS)
def test_invalid_did_urls(text: str) -> None:
    with pytest.raises(DIDSyntaxError):
        parse_did_url(text)


def test_params_are_decoded() -> None:
    url = parse_did_url("did:example:1?service=agent&relativeRef=%2Fa%20b&hl=x")
    assert url.params == {"service": "agent", "relativeRef": "/a b", "hl": "x"}
    assert parse_did_url("did:example:1").params == {}
    assert parse_did_url("did:example:1").is_bare_did
    assert not parse_did_url("did:example:1#x").is_bare_did


def test_param_count_is_bounded() -> None:
    query = "&".join(f"p{i}=1" for i in range(33))
    with pytest.raises(DIDSyntaxError, match="at most"):
        parse_did_url(f"did:example:1?{query}")


def test_did_url_constructor_validates() -> None:
    did = DID("example", "1")
    assert str(DIDURL(did, "/x", "a=b", "f")) == "did:example:1/x?a=b#f"
    with pytest.raises(DIDSyntaxError):
        DIDURL(did, "x")  # path must start with '/'
    with pytest.raises(DIDSyntaxError):
        DIDURL(did, fragment="a#b")


# --- property: random valid DIDs parse and round-trip ------------------------------

_ID_CHAR = st.one_of(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"),
    st.integers(0, 255).map(lambda b: f"%{b:02X}"),
    st.integers(0, 255).map(lambda b: f"%{b:02x}"),
)
_SEGMENT = st.lists(_ID_CHAR, max_size=8).map("".join)
_METHOD = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
_MSID = st.builds(
    lambda segs, last: "".join(s + ":" for s in segs) + last,
    st.lists(_SEGMENT, max_size=4),
    st.lists(_ID_CHAR, min_size=1, max_size=8).map("".join),
)
_FRAGMENT_CHAR = st.sampled_from("abcXYZ019-._~!$&'()*+,;=:@/?") | st.integers(0, 255).map(
    lambda b: f"%{b:02X}"
)


@given(method=_METHOD, msid=_MSID)
def test_random_valid_dids_round_trip(method: str, msid: str) -> None:
    text = f"did:{method}:{msid}"
    did = parse_did(text)
    assert (did.method, did.method_specific_id) == (method, msid)
    assert str(did) == text
    assert parse_did(str(did)) == did


@given(
    method=_METHOD,
    msid=_MSID,
    path=st.lists(
        st.lists(_FRAGMENT_CHAR.filter(lambda c: c not in "/?"), max_size=5).map("".join),
        max_size=3,
    ),
    fragment=st.none() | st.lists(_FRAGMENT_CHAR, max_size=10).map("".join),
)
def test_random_did_urls_round_trip(
    method: str, msid: str, path: list[str], fragment: str | None
) -> None:
    text = f"did:{method}:{msid}" + "".join("/" + p for p in path)
    if fragment is not None:
        text += "#" + fragment
    url = parse_did_url(text)
    assert str(url) == text
    assert url.fragment == fragment
    assert url.did == parse_did(f"did:{method}:{msid}")


@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_raises_did_syntax_error(text: str) -> None:
    try:
        did = parse_did(text)
    except DIDSyntaxError:
        return
    assert str(did) == text


def test_parsing_is_memoised_but_errors_are_not() -> None:
    """The same DID URL parses to the same immutable object; a bad one raises every time."""
    text = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#key-1"
    assert parse_did_url(text) is parse_did_url(text)
    assert parse_did(text.split("#", maxsplit=1)[0]) is parse_did(text.split("#", maxsplit=1)[0])
    for _ in range(2):
        with pytest.raises(DIDSyntaxError):
            parse_did_url("did:Key:bad")
        with pytest.raises(DIDSyntaxError):
            parse_did_url(["did:key:x"])  # type: ignore[arg-type]
