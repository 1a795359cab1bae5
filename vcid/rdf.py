"""The RDF term and quad model shared by JSON-LD conversion and canonicalization.

Terms are small frozen value objects. A quad's graph is ``None`` for the
default graph. Literal escaping and N-Quads text live in
:mod:`vcid.canon.nquads`; this module holds data only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeAlias

XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class IRI:
    """An absolute IRI."""

    value: str


@dataclass(frozen=True, slots=True)
class BlankNode:
    """A blank node, by its label without the ``_:`` prefix."""

    label: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: lexical form, datatype IRI and optional language tag."""

    lexical: str
    datatype: str = XSD_STRING
    language: str | None = None


Subject: TypeAlias = IRI | BlankNode
Object: TypeAlias = IRI | BlankNode | Literal
Graph: TypeAlias = IRI | BlankNode | None


@dataclass(frozen=True, slots=True)
class Quad:
    """One statement: subject, predicate, object, and graph (None = default)."""

    subject: Subject
    predicate: IRI
    object: Object
    graph: Graph = None


Dataset: TypeAlias = list[Quad]

__all__ = [
    "IRI",
    "RDF_LANG_STRING",
    "XSD_STRING",
    "BlankNode",
    "Dataset",
    "Graph",
    "Literal",
    "Object",
    "Quad",
    "Subject",
]
