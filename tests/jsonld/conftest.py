"""Shared fixtures and sample documents for the vcid.jsonld tests."""

from __future__ import annotations

import copy
import itertools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vcid._json import JsonObject, load_object
from vcid.jsonld import StaticLoader, bundled_loader
from vcid.rdf import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
BIRTH_CONTEXT_URL = "https://vcid.example/contexts/birth/v1"

BIRTH_CONTEXT: JsonObject = {
    "@context": {
        "@version": 1.1,
        "@protected": True,
        "br": "https://vcid.example/vocab/birth#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "schema": "https://schema.org/",
        "BirthRecordCredential": {
            "@id": "br:BirthRecordCredential",
            "@context": {
                "@protected": True,
                "registrationNumber": "br:registrationNumber",
                "registrar": {"@id": "br:registrar", "@type": "@id"},
            },
        },
        "Child": "br:Child",
        "Parent": "br:Parent",
        "PostalAddress": "schema:PostalAddress",
        "givenName": "schema:givenName",
        "familyName": "schema:familyName",
        "birthDate": {"@id": "schema:birthDate", "@type": "xsd:date"},
        "birthTime": {"@id": "br:birthTime", "@type": "xsd:time"},
        "gender": "schema:gender",
        "nationality": "schema:nationality",
        "birthPlace": {"@id": "schema:birthPlace", "@type": "@id"},
        "address": "schema:address",
        "streetAddress": "schema:streetAddress",
        "addressLocality": "schema:addressLocality",
        "addressRegion": "schema:addressRegion",
        "postalCode": "schema:postalCode",
        "addressCountry": "schema:addressCountry",
        "parent": {"@id": "schema:parent", "@type": "@id"},
        "weightKg": {"@id": "br:weightKg", "@type": "xsd:decimal"},
        "heightCm": {"@id": "br:heightCm", "@type": "xsd:integer"},
        "multipleBirth": {"@id": "br:multipleBirth", "@type": "xsd:boolean"},
        "birthOrder": {"@id": "br:birthOrder", "@type": "xsd:integer"},
        "motherMaidenName": "br:motherMaidenName",
        "attendant": "br:attendant",
        "facility": "br:facility",
    }
}

BIRTH_CREDENTIAL: JsonObject = {
    "@context": [VC_V2, BIRTH_CONTEXT_URL],
    "id": "urn:uuid:0b2f8c2e-6f4e-4b7d-9a53-0f3d1c9e2a11",
    "type": ["VerifiableCredential", "BirthRecordCredential"],
    "issuer": {"id": "did:example:registry", "name": "Civil Registry"},
    "validFrom": "2024-03-01T09:30:00Z",
    "name": "Birth record",
    "registrationNumber": "BR-2024-000123",
    "registrar": "did:example:registrar-7",
    "credentialSubject": {
        "id": "did:example:child-42",
        "type": "Child",
        "givenName": "Ada",
        "familyName": "Example",
        "birthDate": "2024-02-28",
        "birthTime": "04:12:00",
        "gender": "female",
        "nationality": "XX",
        "weightKg": "3.4",
        "heightCm": 50,
        "multipleBirth": False,
        "birthOrder": 1,
        "facility": "General Hospital",
        "attendant": "Midwife",
        "birthPlace": {
            "type": "PostalAddress",
            "streetAddress": "1 Example Road",
            "addressLocality": "Exampleton",
            "addressRegion": "EX",
            "postalCode": "00000",
            "addressCountry": "XX",
        },
        "parent": [
            {"type": "Parent", "givenName": "Eve", "familyName": "Example"},
            {"type": "Parent", "givenName": "Adam", "familyName": "Example"},
        ],
    },
}


def examples_context(vectors_dir: Path) -> JsonObject:
    """The VC examples v2 context from the vectors folder."""
    path = vectors_dir / "contexts" / "credentials-examples-v2.jsonld"
    return load_object(path.read_bytes())


def birth_loader() -> StaticLoader:
    """Bundled contexts plus the sample birth-record context."""
    return bundled_loader().extended({BIRTH_CONTEXT_URL: BIRTH_CONTEXT})


@pytest.fixture
def examples_loader(vectors_dir: Path) -> StaticLoader:
    """Bundled contexts plus the VC examples v2 context (from the vectors)."""
    return bundled_loader().extended({EXAMPLES_V2: examples_context(vectors_dir)})


@pytest.fixture
def birth_credential() -> JsonObject:
    """A fresh copy of the sample VC 2.0 birth-record credential."""
    return copy.deepcopy(BIRTH_CREDENTIAL)


# --- N-Quads reading and blank-node-insensitive comparison (test helpers) ----

_TERM = re.compile(
    r'\s*(<[^>]*>|_:[A-Za-z0-9_.\-]+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9\-]+)?)'
)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        if code in "uU":
            width = 4 if code == "u" else 8
            out.append(chr(int(text[index + 2 : index + 2 + width], 16)))
            index += 2 + width
        else:
            out.append(_ESCAPES[code])
            index += 2
    return "".join(out)


def _term(token: str) -> IRI | BlankNode | Literal:
    if token.startswith("<"):
        return IRI(token[1:-1])
    if token.startswith("_:"):
        return BlankNode(token[2:])
    end = token.rindex('"')
    lexical = _unescape(token[1:end])
    suffix = token[end + 1 :]
    if suffix.startswith("@"):
        return Literal(lexical, RDF_LANG_STRING, suffix[1:])
    if suffix.startswith("^^"):
        return Literal(lexical, suffix[3:-1])
    return Literal(lexical, XSD_STRING)


def parse_nquads(text: str) -> list[Quad]:
    """A small N-Quads reader, enough for the spec vectors."""
    quads: list[Quad] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        tokens: list[str] = []
        position = 0
        while True:
            match = _TERM.match(line, position)
            if match is None:
                break
            tokens.append(match.group(1))
            position = match.end()
        assert line[position:].strip() == ".", f"unparsed N-Quads line: {line!r}"
        terms = [_term(token) for token in tokens]
        subject, predicate, obj = terms[0], terms[1], terms[2]
        graph = terms[3] if len(terms) == 4 else None
        assert isinstance(subject, IRI | BlankNode)
        assert isinstance(predicate, IRI)
        assert not isinstance(graph, Literal)
        quads.append(Quad(subject, predicate, obj, graph))
    return quads


def _blank_labels(quads: list[Quad]) -> list[str]:
    labels: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.object, quad.graph):
            if isinstance(term, BlankNode):
                labels.add(term.label)
    return sorted(labels)


def _relabel(quads: list[Quad], mapping: dict[str, str]) -> Counter[Quad]:
    def swap(term: Any) -> Any:
        if isinstance(term, BlankNode):
            return BlankNode(mapping[term.label])
        return term

    return Counter(Quad(swap(q.subject), q.predicate, swap(q.object), swap(q.graph)) for q in quads)


def isomorphic(left: list[Quad], right: list[Quad]) -> bool:
    """Equal as multisets of quads up to a renaming of blank nodes (small graphs)."""
    left_labels, right_labels = _blank_labels(left), _blank_labels(right)
    if len(left) != len(right) or len(left_labels) != len(right_labels):
        return False
    assert len(left_labels) <= 7, "too many blank nodes for the brute-force check"
    target = Counter(right)
    for perm in itertools.permutations(right_labels):
        if _relabel(left, dict(zip(left_labels, perm, strict=True))) == target:
            return True
    return False


NquadsParser = Callable[[str], list[Quad]]
Isomorphism = Callable[[list[Quad], list[Quad]], bool]


@pytest.fixture(name="parse_nquads")
def _parse_nquads_fixture() -> NquadsParser:
    """The test N-Quads reader (see :func:`parse_nquads`)."""
    return parse_nquads


@pytest.fixture(name="isomorphic")
def _isomorphic_fixture() -> Isomorphism:
    """Blank-node-insensitive dataset comparison (see :func:`isomorphic`)."""
    return isomorphic


@pytest.fixture(name="birth_loader")
def _birth_loader_fixture() -> StaticLoader:
    """Bundled contexts plus the sample birth-record context."""
    return birth_loader()
