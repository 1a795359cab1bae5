"""RDFC-1.0 speed: a credential-shaped dataset, and a poison graph's refusal.

The tests bound the same cases by work done (:class:`vcid.canon.rdfc10.WorkCounter`);
these figures are what that work costs on this machine.
"""

from __future__ import annotations

from benchmarks._timing import measure
from vcid.canon.rdfc10 import canonicalize
from vcid.errors import CanonicalizationLimitError
from vcid.rdf import IRI, BlankNode, Dataset, Literal, Quad

P = IRI("http://example.com/p")


def credential_like(size: int = 50) -> Dataset:
    """One IRI subject and 4 blank nodes with distinct first-degree hashes."""
    subject = IRI("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33")
    nodes = [BlankNode(f"b{i}") for i in range(4)]
    quads = [
        Quad(subject, IRI("urn:x:sub"), nodes[0]),
        Quad(nodes[0], IRI("urn:x:link"), nodes[1]),
        Quad(nodes[1], IRI("urn:x:link"), nodes[2]),
        Quad(subject, IRI("urn:x:proof"), nodes[3], nodes[3]),
    ]
    holders: list[IRI | BlankNode] = [subject, *nodes]
    quads.extend(
        Quad(holders[i % 5], IRI(f"urn:x:p{i % 12}"), Literal(f"value {i}"))
        for i in range(size - len(quads))
    )
    return quads


def clique(n: int) -> Dataset:
    """The rdf-canon suite's poison graph: n blank nodes, all inter-related."""
    return [Quad(BlankNode(f"e{i}"), P, BlankNode(f"e{j}")) for i in range(n) for j in range(n)]


def run(quick: bool) -> list[tuple[str, float]]:
    """Each benchmark's name and value."""
    seconds, rounds = (0.05, 1) if quick else (1.0, 5)
    quads = credential_like()
    poison = clique(10)

    def refuse() -> object:
        try:
            canonicalize(poison)
        except CanonicalizationLimitError:
            return None
        raise SystemExit("the 10-clique was not stopped by the work limit")

    per_second = measure(lambda: canonicalize(quads), seconds, rounds)
    return [
        ("RDFC-1.0 canonicalize (50 quads, credential-shaped)", per_second),
        ("RDFC-1.0 stop a 10-clique at the work limit, ms", 1000 / measure(refuse, 0, 1)),
    ]
