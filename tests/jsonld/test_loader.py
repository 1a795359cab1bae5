"""Tests for vcid.jsonld.loader: offline bundled contexts and CLI context files."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid._json import JsonObject, load_object
from vcid.errors import DocumentLoadError, UsageError
from vcid.jsonld import (
    DocumentLoader,
    StaticLoader,
    bundled_loader,
    load_context_files,
    parse_context_option,
)
from vcid.jsonld import loader as loader_module

CONTEXTS = Path(loader_module.__file__).resolve().parent.parent / "contexts"
INDEX = json.loads((CONTEXTS / "index.json").read_text(encoding="utf-8"))


class _NoNetwork(socket.socket):
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("the loader tried to open a socket")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(socket, "create_connection", _NoNetwork)


@pytest.fixture
def fresh_bundle() -> object:
    """Clear the per-process bundle cache around a test that alters reading."""
    bundled_loader.cache_clear()
    loader_module._bundled_files.cache_clear()
    yield
    bundled_loader.cache_clear()
    loader_module._bundled_files.cache_clear()


def test_index_lists_the_required_contexts() -> None:
    assert {
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/ns/did/v1",
        "https://www.w3.org/ns/credentials/status/v1",
    } <= set(INDEX)


@pytest.mark.usefixtures("no_network", "fresh_bundle")
@pytest.mark.parametrize("url", sorted(INDEX))
def test_bundled_loader_serves_every_indexed_context(url: str) -> None:
    document = bundled_loader()(url)
    expected = load_object((CONTEXTS / INDEX[url]["file"]).read_bytes())
    assert document == expected
    assert "@context" in document


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://example.com/unknown-context",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "",
    ],
)
def test_bundled_loader_refuses_unknown_urls_without_network(url: str) -> None:
    with pytest.raises(DocumentLoadError, match="not available offline"):
        bundled_loader()(url)


def test_bundled_loader_is_cached_and_returns_copies() -> None:
    loader = bundled_loader()
    assert bundled_loader() is loader
    url = "https://www.w3.org/ns/credentials/v2"
    first = loader(url)
    first["@context"] = {"tampered": "https://evil.example/"}
    assert loader(url)["@context"] != first["@context"]


def test_bundled_loader_satisfies_protocol() -> None:
    assert isinstance(bundled_loader(), DocumentLoader)


@pytest.mark.usefixtures("fresh_bundle")
def test_sha256_tamper_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader_module._read_resource

    def tampered(name: str) -> bytes:
        data = real(name)
        if name == "credentials-v2.jsonld":
            return data.replace(b"https://schema.org/name", b"https://evil.example/n")
        return data

    monkeypatch.setattr(loader_module, "_read_resource", tampered)
    with pytest.raises(DocumentLoadError, match="sha256"):
        bundled_loader()


@pytest.mark.usefixtures("fresh_bundle")
def test_missing_bundled_file_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader_module._read_resource

    def missing(name: str) -> bytes:
        if name == "did-v1.jsonld":
            raise FileNotFoundError(name)
        return real(name)

    monkeypatch.setattr(loader_module, "_read_resource", missing)
    with pytest.raises(DocumentLoadError, match="missing"):
        bundled_loader()


@pytest.mark.usefixtures("fresh_bundle")
def test_malformed_bundled_file_with_matching_hash_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = loader_module._read_resource
    bad = b'{"@context": {}, "@context": {}}'

    def reader(name: str) -> bytes:
        if name == "index.json":
            index = json.loads(real(name))
            index["https://www.w3.org/ns/did/v1"]["sha256"] = hashlib.sha256(bad).hexdigest()
            return json.dumps(index).encode()
        if name == "did-v1.jsonld":
            return bad
        return real(name)

    monkeypatch.setattr(loader_module, "_read_resource", reader)
    with pytest.raises(DocumentLoadError, match="duplicate key"):
        bundled_loader()


# --- StaticLoader ------------------------------------------------------------


def test_static_loader_isolates_input_and_output() -> None:
    source: JsonObject = {"@context": {"a": "https://example.com/a"}}
    loader = StaticLoader({"https://example.com/ctx": source})
    source["@context"] = {"a": "https://evil.example/a"}
    assert loader("https://example.com/ctx") == {"@context": {"a": "https://example.com/a"}}
    assert "https://example.com/ctx" in loader
    assert len(loader) == 1
    assert list(loader) == ["https://example.com/ctx"]
    assert loader.urls == frozenset({"https://example.com/ctx"})
    assert "1 documents" in repr(loader)


def test_extended_adds_documents_without_changing_original() -> None:
    base = bundled_loader()
    url = "https://example.com/extra"
    extended = base.extended({url: {"@context": {}}})
    assert extended(url) == {"@context": {}}
    assert url not in base
    assert base.urls < extended.urls
    with pytest.raises(DocumentLoadError):
        base(url)


def test_extended_allows_identical_redefinition() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    same = bundled_loader()(url)
    assert bundled_loader().extended({url: same})(url) == same


def test_extended_refuses_conflicting_redefinition() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    with pytest.raises(UsageError, match="different content"):
        bundled_loader().extended({url: {"@context": {"name": "https://evil/"}}})


@pytest.mark.parametrize(
    ("url", "document"),
    [
        ("relative/ctx", {"@context": {}}),
        ("https://example.com/ctx", ["not", "an", "object"]),
    ],
)
def test_static_loader_validates_entries(url: str, document: object) -> None:
    with pytest.raises(UsageError):
        StaticLoader({url: document})  # type: ignore[dict-item]
    with pytest.raises(UsageError):
        bundled_loader().extended({url: document})  # type: ignore[dict-item]


# --- CLI helpers -------------------------------------------------------------


def test_parse_context_option_splits_at_first_equals() -> None:
    assert parse_context_option("https://example.com/ctx=/tmp/a=b.json") == (
        "https://example.com/ctx",
        Path("/tmp/a=b.json"),
    )


@pytest.mark.parametrize(
    "option",
    [
        "",
        "https://example.com/ctx",
        "https://example.com/ctx=",
        "=/tmp/x.json",
        "relative/ctx=/tmp/x.json",
        "not a url=/tmp/x.json",
        "https://example.com/ctx=  ",
    ],
)
def test_parse_context_option_errors(option: str) -> None:
    with pytest.raises(UsageError):
        parse_context_option(option)


@given(
    scheme=st.from_regex(r"[a-z][a-z0-9+.\-]{0,8}", fullmatch=True),
    rest=st.from_regex(r"[A-Za-z0-9/._~:?#\[\]@!$&'()*+,;%-]{1,30}", fullmatch=True),
    path=st.text(min_size=1, max_size=30).filter(lambda p: p.strip() != ""),
)
def test_parse_context_option_round_trips(scheme: str, rest: str, path: str) -> None:
    url = f"{scheme}:{rest}"
    assert parse_context_option(f"{url}={path}") == (url, Path(path))


def test_load_context_files_reads_contexts(tmp_path: Path) -> None:
    path = tmp_path / "ctx.jsonld"
    path.write_text('{"@context": {"x": "https://example.com/x"}}', encoding="utf-8")
    loaded = load_context_files([("https://example.com/ctx", path)])
    assert loaded == {"https://example.com/ctx": {"@context": {"x": "https://example.com/x"}}}
    loader = bundled_loader().extended(loaded)
    assert loader("https://example.com/ctx")["@context"] == {"x": "https://example.com/x"}


def test_load_context_files_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonld"
    with pytest.raises(UsageError, match=r"cannot read context file .*missing\.jsonld"):
        load_context_files([("https://example.com/ctx", missing)])
    with pytest.raises(UsageError, match="cannot read"):
        load_context_files([("https://example.com/ctx", tmp_path)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"@context": {}, "@context": {}}', "not valid JSON"),
        ("[1, 2]", "not valid JSON"),
        ('{"name": "x"}', "no @context"),
        ('{"@context": 5}', "no @context"),
    ],
)
def test_load_context_files_bad_content(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonld"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_context_files([("https://example.com/ctx", path)])


def test_load_context_files_duplicate_and_relative_urls(tmp_path: Path) -> None:
    path = tmp_path / "ctx.jsonld"
    path.write_text('{"@context": {}}', encoding="utf-8")
    with pytest.raises(UsageError, match="more than once"):
        load_context_files([("https://example.com/ctx", path), ("https://example.com/ctx", path)])
    with pytest.raises(UsageError, match="absolute"):
        load_context_files([("ctx", path)])
