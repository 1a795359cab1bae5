"""Tests for vcid.jsonld.processor: expansion, RDF conversion, caching, bounds."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

from vcid._json import JsonObject, load_object
from vcid.errors import DocumentLoadError, JSONLDError, UndefinedTermError, UsageError
from vcid.jsonld import JsonLdProcessor, StaticLoader, bundled_loader
from vcid.jsonld.cache import LRU, MAX_CONTEXTS_PER_DOCUMENT
from vcid.rdf import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad

NquadsParser = Callable[[str], list[Quad]]
Isomorphism = Callable[[list[Quad], list[Quad]], bool]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _vector_loader(vectors_dir: Path) -> StaticLoader:
    contexts = vectors_dir / "contexts"
    return bundled_loader().extended(
        {
            EXAMPLES_V2: load_object((contexts / "credentials-examples-v2.jsonld").read_bytes()),
            CITIZENSHIP: load_object((contexts / "citizenship-v4rc1.jsonld").read_bytes()),
        }
    )


VECTOR_CASES = [
    ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
    ),
    (
        "vc-di-eddsa/employmentAuth.json",
        "vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
    ),
]


# --- spec vectors -------------------------------------------------------------


@pytest.mark.parametrize(("source", "canonical"), VECTOR_CASES)
def test_to_rdf_matches_vector_quads(
    vectors_dir: Path,
    parse_nquads: NquadsParser,
    isomorphic: Isomorphism,
    source: str,
    canonical: str,
) -> None:
    processor = JsonLdProcessor(_vector_loader(vectors_dir))
    document = load_object((vectors_dir / source).read_bytes())
    expected = parse_nquads((vectors_dir / canonical).read_text(encoding="utf-8"))
    dataset = processor.to_rdf(document)
    assert isomorphic(dataset, expected)
    # warm (cached) conversion gives the same quads
    assert processor.to_rdf(document) == dataset


@pytest.mark.parametrize(("source", "canonical"), VECTOR_CASES)
def test_to_rdf_canonicalizes_to_vector_bytes(
    vectors_dir: Path, source: str, canonical: str
) -> None:
    rdfc10 = pytest.importorskip("vcid.canon.rdfc10")
    processor = JsonLdProcessor(_vector_loader(vectors_dir))
    document = load_object((vectors_dir / source).read_bytes())
    expected = (vectors_dir / canonical).read_text(encoding="utf-8")
    assert rdfc10.canonical_nquads(processor.to_rdf(document)) == expected


def test_unsigned_vector_quads_exactly(vectors_dir: Path) -> None:
    processor = JsonLdProcessor(_vector_loader(vectors_dir))
    document = load_object((vectors_dir / "vc-di-eddsa" / "unsigned.json").read_bytes())
    dataset = processor.to_rdf(document)
    subject = IRI("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33")
    assert (
        Quad(
            subject,
            IRI("https://www.w3.org/2018/credentials#validFrom"),
            Literal("2023-01-01T00:00:00Z", XSD + "dateTime"),
        )
        in dataset
    )
    assert (
        Quad(
            subject,
            RDF_TYPE,
            IRI("https://www.w3.org/ns/credentials/examples#AlumniCredential"),
        )
        in dataset
    )
    assert all(quad.graph is None for quad in dataset)


def test_examples_context_is_not_bundled(vectors_dir: Path) -> None:
    document = load_object((vectors_dir / "vc-di-eddsa" / "unsigned.json").read_bytes())
    with pytest.raises(DocumentLoadError, match="examples/v2"):
        JsonLdProcessor().to_rdf(document)


# --- differential check against plain pyld (caching must not change output) --


def _plain_pyld_nquads(document: JsonObject, loader: StaticLoader) -> set[str]:
    def load(url: str, options: object = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": loader(url)}

    options = {
        "documentLoader": load,
        "contextResolver": ContextResolver(LRU(100), load),
        "format": "application/n-quads",
    }
    text: str = pyld_jsonld.to_rdf(copy.deepcopy(document), options)
    return set(text.splitlines())


def _nquads_of(dataset: list[Quad]) -> set[str]:
    def term(value: object) -> str:
        if isinstance(value, IRI):
            return f"<{value.value}>"
        if isinstance(value, BlankNode):
            return f"_:{value.label}"
        assert isinstance(value, Literal)
        lexical = json.dumps(value.lexical, ensure_ascii=False)
        if value.language is not None:
            return f"{lexical}@{value.language}"
        if value.datatype == XSD_STRING:
            return lexical
        return f"{lexical}^^<{value.datatype}>"

    return {
        " ".join(
            [term(q.subject), term(q.predicate), term(q.object)]
            + ([term(q.graph)] if q.graph is not None else [])
        )
        + " ."
        for q in dataset
    }


def _vcdm_inputs(vectors_dir: Path) -> list[Path]:
    folder = vectors_dir / "vc-data-model-2.0" / "input"
    return sorted(folder.glob("*-ok.json")) + sorted(
        (vectors_dir / "bitstring-status-list").glob("*.json")
    )


def test_same_rdf_as_plain_pyld_on_vector_inputs(vectors_dir: Path) -> None:
    loader = _vector_loader(vectors_dir)
    processor = JsonLdProcessor(loader, safe=False)
    compared = 0
    for path in _vcdm_inputs(vectors_dir):
        document = load_object(path.read_bytes())
        try:
            expected = _plain_pyld_nquads(document, loader)
        except pyld_jsonld.JsonLdError:
            with pytest.raises((JSONLDError, DocumentLoadError)):
                processor.to_rdf(document)
            continue
        for _ in range(2):  # cold, then warm caches
            assert _nquads_of(processor.to_rdf(document)) == expected, path.name
        compared += 1
    assert compared >= 20


def test_same_rdf_as_plain_pyld_with_type_scoped_contexts(
    birth_loader: StaticLoader, birth_credential: JsonObject
) -> None:
    processor = JsonLdProcessor(birth_loader)
    expected = _plain_pyld_nquads(birth_credential, birth_loader)
    for _ in range(3):
        assert _nquads_of(processor.to_rdf(birth_credential)) == expected
    # the type-scoped term must expand only inside the typed node
    assert any("vocab/birth#registrationNumber" in line for line in expected)


def test_type_scoped_terms_do_not_propagate_into_nested_nodes(
    birth_loader: StaticLoader, birth_credential: JsonObject
) -> None:
    document = copy.deepcopy(birth_credential)
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["registrationNumber"] = "nested"
    expected = _plain_pyld_nquads(document, birth_loader)
    assert not any('"nested"' in line for line in expected)
    unsafe = JsonLdProcessor(birth_loader, safe=False)
    safe = JsonLdProcessor(birth_loader)
    for _ in range(3):  # cold, then with cached scoped contexts
        assert _nquads_of(unsafe.to_rdf(document)) == expected
        with pytest.raises(UndefinedTermError, match="registrationNumber"):
            safe.to_rdf(document)
        safe.to_rdf(birth_credential)


# --- RDF term conversion --------------------------------------------------------


def test_literal_datatypes_languages_and_graphs() -> None:
    loader = StaticLoader(
        {
            "https://vcid.example/ctx": {
                "@context": {
                    "@vocab": "https://vcid.example/v#",
                    "xsd": XSD,
                    "date": {"@type": "xsd:date"},
                    "label": {"@language": "fr"},
                    "data": {"@type": "@json"},
                    "items": {"@container": "@list"},
                    "ref": {"@type": "@id"},
                }
            }
        }
    )
    document: JsonObject = {
        "@context": "https://vcid.example/ctx",
        "@id": "https://vcid.example/doc",
        "count": 3,
        "ratio": 1.5,
        "flag": True,
        "date": "2024-01-02",
        "label": "bonjour",
        "title": {"@value": "hello", "@language": "en-GB"},
        "data": {"b": 1, "a": [True, None]},
        "items": ["x", "y"],
        "ref": "https://vcid.example/other",
        "node": {"name": "anonymous"},
        "inner": {
            "@id": "https://vcid.example/g",
            "@graph": {"@id": "urn:x:1", "p": "v"},
        },
    }
    dataset = JsonLdProcessor(loader).to_rdf(document)
    v = "https://vcid.example/v#"
    subject = IRI("https://vcid.example/doc")
    objects = {q.predicate.value: q.object for q in dataset if q.subject == subject}
    assert objects[v + "count"] == Literal("3", XSD + "integer")
    assert objects[v + "ratio"] == Literal("1.5E0", XSD + "double")
    assert objects[v + "flag"] == Literal("true", XSD + "boolean")
    assert objects[v + "date"] == Literal("2024-01-02", XSD + "date")
    assert objects[v + "label"] == Literal("bonjour", RDF_LANG_STRING, "fr")
    assert objects[v + "title"] == Literal("hello", RDF_LANG_STRING, "en-gb")
    assert objects[v + "data"] == Literal(
        '{"a":[true,null],"b":1}',
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
    )
    assert objects[v + "ref"] == IRI("https://vcid.example/other")
    assert isinstance(objects[v + "node"], BlankNode)
    assert isinstance(objects[v + "items"], BlankNode)
    named = [q for q in dataset if q.graph is not None]
    assert named == [
        Quad(IRI("urn:x:1"), IRI(v + "p"), Literal("v"), IRI("https://vcid.example/g"))
    ]
    firsts = [q.object for q in dataset if q.predicate.value.endswith("22-rdf-syntax-ns#first")]
    assert sorted(firsts, key=repr) == [Literal("x"), Literal("y")]


def test_expand_returns_expanded_form() -> None:
    expanded = JsonLdProcessor().expand(
        {
            "@context": VC_V2,
            "id": "urn:uuid:1",
            "type": "VerifiableCredential",
            "issuer": "did:example:issuer",
        }
    )
    assert expanded == [
        {
            "@id": "urn:uuid:1",
            "@type": ["https://www.w3.org/2018/credentials#VerifiableCredential"],
            "https://www.w3.org/2018/credentials#issuer": [{"@id": "did:example:issuer"}],
        }
    ]


def test_accepts_any_mapping_and_rejects_non_mappings() -> None:
    document = MappingProxyType(
        {"@context": VC_V2, "id": "urn:uuid:1", "type": "VerifiableCredential"}
    )
    assert len(JsonLdProcessor().to_rdf(document)) == 1
    with pytest.raises(UsageError):
        JsonLdProcessor().to_rdf(["not", "a", "mapping"])  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        JsonLdProcessor().expand("https://example.com/doc")  # type: ignore[arg-type]


def test_cache_size_must_be_positive() -> None:
    with pytest.raises(UsageError):
        JsonLdProcessor(cache_size=0)
    assert "safe=True" in repr(JsonLdProcessor())
    assert JsonLdProcessor(safe=False).safe is False


# --- caller's document is never modified --------------------------------------


def test_document_not_mutated(birth_loader: StaticLoader, birth_credential: JsonObject) -> None:
    document: JsonObject = copy.deepcopy(birth_credential)
    assert isinstance(document["@context"], list)
    document["@context"].append(
        {
            "@version": 1.1,
            "extra": {"@id": "https://vcid.example/extra", "@container": "@list"},
        }
    )
    document["extra"] = [1, 2, {"@value": "x", "@language": "en"}]
    before = copy.deepcopy(document)
    processor = JsonLdProcessor(birth_loader)
    processor.to_rdf(document)
    processor.expand(document)
    processor.to_rdf(document)
    assert document == before


def test_loader_documents_not_mutated(birth_loader: StaticLoader) -> None:
    snapshot = {url: birth_loader(url) for url in birth_loader}
    processor = JsonLdProcessor(birth_loader)
    processor.to_rdf(
        {"@context": [VC_V2, "https://vcid.example/contexts/birth/v1"], "type": "Child"}
    )
    assert {url: birth_loader(url) for url in birth_loader} == snapshot


# --- per-instance cache isolation ---------------------------------------------

SHARED_URL = "https://vcid.example/shared/v1"


def _isolation_loader(namespace: str) -> StaticLoader:
    return bundled_loader().extended(
        {SHARED_URL: {"@context": {"@protected": True, "colour": namespace + "colour"}}}
    )


def _colour_predicates(processor: JsonLdProcessor) -> set[str]:
    dataset = processor.to_rdf({"@context": [VC_V2, SHARED_URL], "id": "urn:x:1", "colour": "red"})
    return {q.predicate.value for q in dataset}


@pytest.mark.parametrize("first", ["a", "b"])
def test_processors_with_different_loaders_never_share_contexts(first: str) -> None:
    processors = {
        "a": JsonLdProcessor(_isolation_loader("https://a.example/")),
        "b": JsonLdProcessor(_isolation_loader("https://b.example/")),
    }
    order = [first, "b" if first == "a" else "a"]
    for _ in range(2):
        for name in order:
            assert _colour_predicates(processors[name]) == {f"https://{name}.example/colour"}


def test_pyld_global_cache_is_neither_used_nor_filled() -> None:
    global_cache = pyld_jsonld._resolved_context_cache
    evil = ResolvedContext({"colour": "https://evil.example/colour"})
    global_cache[SHARED_URL] = {"static": [evil]}
    try:
        processor = JsonLdProcessor(_isolation_loader("https://a.example/"))
        assert _colour_predicates(processor) == {"https://a.example/colour"}
        assert list(global_cache.keys()) == [SHARED_URL]
    finally:
        global_cache.pop(SHARED_URL, None)


def test_processor_is_usable_from_threads(
    birth_loader: StaticLoader, birth_credential: JsonObject
) -> None:
    processor = JsonLdProcessor(birth_loader)
    expected = processor.to_rdf(birth_credential)
    results: list[list[Quad]] = []

    def work() -> None:
        for _ in range(5):
            results.append(processor.to_rdf(birth_credential))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert all(result == expected for result in results)


# --- loading errors and bounds --------------------------------------------------


def test_unknown_context_raises_document_load_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_socket(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_socket)
    monkeypatch.setattr(socket, "create_connection", no_socket)
    with pytest.raises(DocumentLoadError, match=r"unknown\.example"):
        JsonLdProcessor().to_rdf({"@context": "https://unknown.example/ctx", "id": "urn:x"})


def test_unknown_nested_context_raises_document_load_error() -> None:
    loader = bundled_loader().extended(
        {"https://vcid.example/outer": {"@context": ["https://unknown.example/inner"]}}
    )
    with pytest.raises(DocumentLoadError, match=r"unknown\.example/inner"):
        JsonLdProcessor(loader).expand({"@context": "https://vcid.example/outer"})


def test_failing_custom_loader_becomes_document_load_error() -> None:
    def broken(url: str) -> JsonObject:
        raise OSError("disk on fire")

    with pytest.raises(DocumentLoadError, match="OSError"):
        JsonLdProcessor(broken).expand({"@context": "https://vcid.example/x"})


def test_custom_loader_returning_non_object() -> None:
    def wrong(url: str) -> JsonObject:
        return ["not", "an", "object"]  # type: ignore[return-value]

    with pytest.raises(DocumentLoadError, match="not a JSON object"):
        JsonLdProcessor(wrong).expand({"@context": "https://vcid.example/x"})


def test_too_many_contexts_per_document() -> None:
    urls = [f"https://vcid.example/c{i}" for i in range(MAX_CONTEXTS_PER_DOCUMENT + 1)]
    loader = StaticLoader(
        {url: {"@context": {"@vocab": "https://vcid.example/v#"}} for url in urls}
    )

    def document(count: int) -> JsonObject:
        # one context per node, so each is resolved separately
        return {
            "@graph": [
                {"@context": url, "@id": f"urn:x:{i}", "p": "v"}
                for i, url in enumerate(urls[:count])
            ]
        }

    processor = JsonLdProcessor(loader)
    assert len(processor.to_rdf(document(MAX_CONTEXTS_PER_DOCUMENT))) == 32
    with pytest.raises(JSONLDError, match="more than 32 contexts"):
        JsonLdProcessor(loader).to_rdf(document(MAX_CONTEXTS_PER_DOCUMENT + 1))
    # the cap is per document, not per processor lifetime
    assert len(processor.to_rdf(document(MAX_CONTEXTS_PER_DOCUMENT))) == 32


def test_remote_context_nesting_is_bounded() -> None:
    depth = 20
    documents: dict[str, JsonObject] = {
        f"https://vcid.example/n{i}": {"@context": f"https://vcid.example/n{i + 1}"}
        for i in range(depth)
    }
    documents[f"https://vcid.example/n{depth}"] = {"@context": {}}
    loader = StaticLoader(documents)
    with pytest.raises(JSONLDError) as caught:
        JsonLdProcessor(loader).expand({"@context": "https://vcid.example/n0"})
    assert not isinstance(caught.value, UndefinedTermError)


def test_cyclic_remote_contexts_are_refused() -> None:
    loader = StaticLoader(
        {
            "https://vcid.example/a": {"@context": "https://vcid.example/b"},
            "https://vcid.example/b": {"@context": "https://vcid.example/a"},
        }
    )
    with pytest.raises(JSONLDError, match="context"):
        JsonLdProcessor(loader).expand({"@context": "https://vcid.example/a"})


@pytest.mark.parametrize(
    "document",
    [
        {"@context": VC_V2, "id": 5},
        {"@context": VC_V2, "type": {"not": "a string"}},
        {"@context": 7, "id": "urn:x"},
        {"@context": {"@version": 2.0}, "@id": "urn:x"},
        {
            "@context": VC_V2,
            "name": {"@value": "x", "@type": "urn:t", "@language": "en"},
        },
    ],
)
def test_invalid_json_ld_raises_jsonld_error(document: JsonObject) -> None:
    for safe in (True, False):
        with pytest.raises(JSONLDError):
            JsonLdProcessor(safe=safe).to_rdf(document)
