"""RDF Dataset Canonicalization, RDFC-1.0 (https://www.w3.org/TR/rdf-canon/).

The functions follow the spec's algorithms step by step; comments name the
step numbers of §4.4 (Canonicalization), §4.6 (Hash First Degree Quads),
§4.7 (Hash Related Blank Node) and §4.8 (Hash N-Degree Quads).

Poison graphs (the spec's "Dataset Poisoning" security consideration) make
Hash N-Degree Quads exponential, so the work is bounded: each blank node may
be the subject of at most ``max_deep_iterations`` Hash N-Degree Quads calls
(by default the number of non-unique blank nodes cubed, as rdf-canonize
allows), and the total work (permutations tried plus related blank nodes hashed) is capped by
``max_work``, which bounds the time taken whatever the graph. Exceeding
either raises :class:`~vcid.errors.CanonicalizationLimitError`. A
:class:`WorkCounter` passed as ``counter=`` reports the work done, the same
count on every machine.

When every blank node has a unique first-degree hash (the common case for
credentials) the N-degree machinery is never entered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import permutations
from typing import Final, Literal, TypeAlias

from vcid.canon.nquads import (
    LITERAL_SPECIAL,
    escape_literal,
    serialize_iri,
    serialize_literal,
)
from vcid.errors import (
    CanonicalizationError,
    CanonicalizationLimitError,
    UnsupportedError,
)
from vcid.rdf import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Dataset, Quad
from vcid.rdf import Literal as RdfLiteral

_needs_escape: Final = LITERAL_SPECIAL.search

HashAlgorithm: TypeAlias = Literal["sha256", "sha384"]

#: A literal as plain data: lexical form, datatype IRI, language tag or None.
RawLiteral: TypeAlias = tuple[str, str, str | None]
#: A quad as plain data (no term objects): subject, predicate, object, graph.
#: Subjects, objects and graph names are IRIs or ``_:label`` blank nodes;
#: objects may also be :data:`RawLiteral`; the default graph is None.
RawQuad: TypeAlias = tuple[str, str, "str | RawLiteral", str | None]

MAX_RECURSION_DEPTH: Final = 400
"""The deepest chain of nested Hash N-Degree Quads calls allowed."""

DEFAULT_MAX_WORK: Final = 300_000
"""The default cap on Hash N-Degree Quads work: permutations tried plus
related blank nodes hashed, over one canonicalization."""

_HASHES: Final[dict[str, Callable[[bytes], hashlib._Hash]]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}

# A quad with its terms serialized once: (parts, labels, positions,
# predicate). The line is parts[0] + name(labels[0]) + parts[1] + ...; each
# label's position ("s", "o" or "g") is the same index of positions.
_Record: TypeAlias = tuple[tuple[str, ...], tuple[str, ...], str, str]


@dataclass(slots=True)
class WorkCounter:
    """The Hash N-Degree Quads work of canonicalizations (what ``max_work`` caps).

    Pass one as ``counter=`` to :func:`canonicalize`; it is updated even when
    a work limit is exceeded, and adds up over calls. The counts depend only
    on the dataset, never on the machine.

    :ivar work: permutations tried plus related blank nodes hashed; when
        ``max_work`` stops a call, that call adds exactly ``max_work``.
    :ivar n_degree_calls: Hash N-Degree Quads calls (§4.8), the unit of
        ``max_deep_iterations``.
    """

    work: int = 0
    n_degree_calls: int = 0


@dataclass(frozen=True, slots=True)
class CanonicalDataset:
    """The result of RDFC-1.0 (§4.4.3 step 7).

    :ivar nquads: the canonical N-Quads document: sorted, de-duplicated lines,
        each ending in ``\\n``.
    :ivar issued: the issued identifiers map, input blank node label (without
        ``_:``) to canonical label (``c14nN``).
    """

    nquads: str
    issued: dict[str, str]


class IdentifierIssuer:
    """An identifier issuer (§4.3): a prefix, a counter, issued identifiers."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        """Issue Identifier (§4.5): the identifier for ``existing``, new if needed."""
        # Step 1: return an identifier already issued.
        issued = self.issued.get(existing)
        if issued is not None:
            return issued
        # Steps 2-4: prefix + counter; record it; increment the counter.
        issued = f"{self.prefix}{self.counter}"
        self.issued[existing] = issued
        self.counter += 1
        # Step 5.
        return issued

    def copy(self) -> IdentifierIssuer:
        """A copy whose later issues do not affect this issuer."""
        clone = IdentifierIssuer(self.prefix)
        clone.counter = self.counter
        clone.issued = self.issued.copy()
        return clone


class _Canonicalizer:
    """The canonicalization state (§4.2) and the hashing algorithms."""

    __slots__ = (
        "blank_node_to_quads",
        "canonical_issuer",
        "deep_iterations",
        "depth",
        "first_degree",
        "hash_fn",
        "max_deep_iterations",
        "n_degree_calls",
        "work_left",
    )

    def __init__(
        self,
        hash_fn: Callable[[bytes], hashlib._Hash],
        max_work: int,
    ) -> None:
        self.hash_fn = hash_fn
        self.blank_node_to_quads: dict[str, list[_Record]] = {}
        self.canonical_issuer = IdentifierIssuer("c14n")
        self.first_degree: dict[str, str] = {}
        self.deep_iterations: dict[str, int] = {}
        self.depth = 0
        self.max_deep_iterations = 0
        self.n_degree_calls = 0
        self.work_left = max_work

    def hash(self, text: str) -> str:
        return self.hash_fn(text.encode("utf-8")).hexdigest()

    # --- §4.6 Hash First Degree Quads -----------------------------------------

    def hash_first_degree_quads(self, reference: str) -> str:
        """Hash First Degree Quads (§4.6); memoized, as the result never changes."""
        cached = self.first_degree.get(reference)
        if cached is not None:
            return cached
        # Steps 1-3: serialize each quad mentioning the reference blank node,
        # with it as _:a and every other blank node as _:z.
        nquads = [
            _first_degree_line(record, reference) for record in self.blank_node_to_quads[reference]
        ]
        # Step 4: sort in code point order.
        nquads.sort()
        # Step 5: hash the concatenation.
        result = self.hash("".join(nquads))
        self.first_degree[reference] = result
        return result

    # --- §4.7 Hash Related Blank Node ---------------------------------------

    def hash_related_blank_node(
        self,
        related: str,
        record: _Record,
        issuer: IdentifierIssuer,
        position: str,
    ) -> str:
        """Hash Related Blank Node (§4.7)."""
        # Step 1: the position (s, o or g).
        parts = [position]
        # Step 2: the predicate, unless the position is the graph.
        if position != "g":
            parts.append(record[3])
        # Step 3: the canonical identifier, else the issuer's, else the
        # first-degree hash of the related blank node.
        identifier = self.canonical_issuer.issued.get(related) or issuer.issued.get(related)
        if identifier is not None:
            parts.append(f"_:{identifier}")
        else:
            parts.append(self.hash_first_degree_quads(related))
        # Step 4.
        return self.hash("".join(parts))

    # --- §4.8 Hash N-Degree Quads ---------------------------------------------

    def hash_n_degree_quads(
        self, identifier: str, issuer: IdentifierIssuer
    ) -> tuple[str, IdentifierIssuer]:
        """Hash N-Degree Quads (§4.8), within the work limits."""
        calls = self.deep_iterations.get(identifier, 0) + 1
        if calls > self.max_deep_iterations:
            raise CanonicalizationLimitError(
                "RDFC-1.0 work limit exceeded: more than "
                f"{self.max_deep_iterations} Hash N-Degree Quads calls for one "
                "blank node (possible poison graph)"
            )
        self.deep_iterations[identifier] = calls
        self.n_degree_calls += 1
        if self.depth >= MAX_RECURSION_DEPTH:
            raise CanonicalizationLimitError(
                "RDFC-1.0 work limit exceeded: Hash N-Degree Quads recursion "
                f"deeper than {MAX_RECURSION_DEPTH} blank nodes"
            )
        self.depth += 1
        try:
            return self._hash_n_degree_quads(identifier, issuer)
        finally:
            self.depth -= 1

    def _hash_n_degree_quads(
        self, identifier: str, issuer: IdentifierIssuer
    ) -> tuple[str, IdentifierIssuer]:
        canonical = self.canonical_issuer.issued
        # Step 1: the hash to related blank nodes map.
        related_map: dict[str, list[str]] = {}
        # Steps 2-3: for each quad of the identifier, each other blank node
        # component (subject, object, graph) is hashed with Hash Related
        # Blank Node and grouped by that hash.
        for record in self.blank_node_to_quads[identifier]:
            for related, position in zip(record[1], record[2], strict=True):
                if related == identifier:
                    continue
                # Step 3.1.1.
                self._spend()
                related_hash = self.hash_related_blank_node(related, record, issuer, position)
                # Step 3.1.2.
                related_map.setdefault(related_hash, []).append(related)
        # Step 4.
        data_to_hash: list[str] = []
        # Step 5: each related hash, in code point order.
        for related_hash in sorted(related_map):
            blank_nodes = related_map[related_hash]
            # Step 5.1.
            data_to_hash.append(related_hash)
            # Steps 5.2-5.3.
            chosen_path = ""
            chosen_issuer: IdentifierIssuer | None = None
            # Step 5.4: every permutation of the blank node list.
            for permutation in self._permutations(blank_nodes):
                # Steps 5.4.1-5.4.3.
                issuer_copy = issuer.copy()
                path = ""
                recursion_list: list[str] = []
                skip = False
                # Step 5.4.4.
                for related in permutation:
                    canonical_id = canonical.get(related)
                    if canonical_id is not None:
                        # Step 5.4.4.1.
                        path += f"_:{canonical_id}"
                    else:
                        # Step 5.4.4.2.
                        if related not in issuer_copy.issued:
                            recursion_list.append(related)
                        path += f"_:{issuer_copy.issue(related)}"
                    # Step 5.4.4.3.
                    if _worse(path, chosen_path):
                        skip = True
                        break
                if skip:
                    continue
                # Step 5.4.5.
                for related in recursion_list:
                    # Step 5.4.5.1.
                    result_hash, result_issuer = self.hash_n_degree_quads(related, issuer_copy)
                    # Steps 5.4.5.2-5.4.5.3.
                    path += f"_:{issuer_copy.issue(related)}<{result_hash}>"
                    # Step 5.4.5.4.
                    issuer_copy = result_issuer
                    # Step 5.4.5.5.
                    if _worse(path, chosen_path):
                        skip = True
                        break
                if skip:
                    continue
                # Step 5.4.6.
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            # Step 5.5.
            data_to_hash.append(chosen_path)
            # Step 5.6.
            if chosen_issuer is not None:
                issuer = chosen_issuer
        # Step 6.
        return self.hash("".join(data_to_hash)), issuer

    def _spend(self) -> None:
        """Count one unit of Hash N-Degree Quads work against the budget."""
        self.work_left -= 1
        if self.work_left < 0:
            raise CanonicalizationLimitError(
                "RDFC-1.0 work limit exceeded: too many permutations and "
                "related blank nodes in Hash N-Degree Quads (possible poison graph)"
            )

    def _permutations(self, blank_nodes: list[str]) -> Iterator[tuple[str, ...]]:
        """Every distinct permutation of ``blank_nodes``, each counted as work.

        The list may name one blank node several times (a graph name, once
        per quad in its graph). Permutations that are equal as sequences give
        equal paths and issuers in step 5.4, and the first of equal paths is
        kept, so visiting each distinct sequence once, in the same (sorted,
        lexicographic) order, gives the same result as visiting all ``n!``.
        """
        for permutation in _distinct_permutations(blank_nodes):
            self._spend()
            yield permutation


def _distinct_permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Distinct permutations in lexicographic order (``itertools.permutations``
    of the sorted list, with repeated sequences left out)."""
    if len(set(items)) == len(items):
        return permutations(sorted(items))
    return _multiset_permutations(items)


def _multiset_permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """:func:`_distinct_permutations` for a list with repeated items."""
    sequence = sorted(items)
    size = len(sequence)
    while True:
        yield tuple(sequence)
        # The next permutation: the rightmost ascent, swapped with the
        # smallest larger item after it, then the tail reversed.
        i = size - 2
        while i >= 0 and sequence[i] >= sequence[i + 1]:
            i -= 1
        if i < 0:
            return
        j = size - 1
        while sequence[j] <= sequence[i]:
            j -= 1
        sequence[i], sequence[j] = sequence[j], sequence[i]
        sequence[i + 1 :] = sequence[:i:-1]


def _worse(path: str, chosen_path: str) -> bool:
    """The pruning test of §4.8.3 steps 5.4.4.3 and 5.4.5.5."""
    return bool(chosen_path) and len(path) >= len(chosen_path) and path > chosen_path


def _line(record: _Record, names: Mapping[str, str]) -> str:
    """One N-Quads line for ``record``, blank node labels renamed by ``names``."""
    parts, labels = record[0], record[1]
    if not labels:
        return parts[0]
    if len(labels) == 1:
        return f"{parts[0]}{names[labels[0]]}{parts[1]}"
    pieces = [parts[0]]
    for label, part in zip(labels, parts[1:], strict=True):
        pieces.append(names[label])
        pieces.append(part)
    return "".join(pieces)


def _first_degree_line(record: _Record, reference: str) -> str:
    """One line for Hash First Degree Quads (§4.6 step 3): ``_:a`` / ``_:z``."""
    parts, labels = record[0], record[1]
    if len(labels) == 1:
        # The only blank node in the quad is the reference one.
        return f"{parts[0]}_:a{parts[1]}"
    pieces = [parts[0]]
    for label, part in zip(labels, parts[1:], strict=True):
        pieces.append("_:a" if label == reference else "_:z")
        pieces.append(part)
    return "".join(pieces)


class _Terms:
    """Serializes terms, remembering IRIs (they repeat; literals rarely do)."""

    __slots__ = ("iris",)

    def __init__(self) -> None:
        self.iris: dict[str, str] = {}

    def iri(self, term: object) -> str:
        if not isinstance(term, IRI):
            raise CanonicalizationError(
                "a predicate must be an IRI, a subject or graph name an IRI or blank node"
            )
        text = self.iris.get(term.value)
        if text is None:
            text = self.iris[term.value] = serialize_iri(term.value)
        return text

    def node(self, term: object) -> str:
        """An IRI or literal (not a blank node) as N-Quads text."""
        if type(term) is RdfLiteral:
            if term.language is None:
                lexical = term.lexical
                if _needs_escape(lexical) is not None:
                    lexical = escape_literal(lexical)
                datatype = term.datatype
                if datatype == XSD_STRING:
                    return f'"{lexical}"'
                if datatype != RDF_LANG_STRING:
                    iri = self.iris.get(datatype)
                    if iri is None:
                        iri = self.iris[datatype] = serialize_iri(datatype)
                    return f'"{lexical}"^^{iri}'
            return serialize_literal(term)
        if isinstance(term, IRI):
            return self.iri(term)
        if isinstance(term, RdfLiteral):
            return serialize_literal(term)
        raise CanonicalizationError("a quad holds something that is not an RDF term")


def _records(dataset: Dataset) -> list[_Record]:
    """Serialize each distinct quad's terms once (a dataset is a set).

    Each record holds the quad's text split around its blank nodes, the
    blank node labels, their positions (``s``, ``o``, ``g``) and the
    serialized predicate.
    """
    terms = _Terms()
    iris = terms.iris
    records: dict[tuple[tuple[str, ...], tuple[str, ...]], _Record] = {}
    for quad in dataset:
        if type(quad) is not Quad and not isinstance(quad, Quad):
            raise CanonicalizationError("a dataset holds something that is not a quad")
        subject, predicate, obj, graph = (
            quad.subject,
            quad.predicate,
            quad.object,
            quad.graph,
        )
        p_text = (iris.get(predicate.value) if type(predicate) is IRI else None) or terms.iri(
            predicate
        )
        key: tuple[tuple[str, ...], tuple[str, ...]]
        if graph is None:
            end = " .\n"
        elif isinstance(graph, BlankNode):
            end = ""
        else:
            end = f" {terms.iri(graph)} .\n"
        if isinstance(subject, BlankNode):
            if isinstance(obj, BlankNode):
                if end:
                    key = (("", f" {p_text} ", end), (subject.label, obj.label))
                    positions = "so"
                else:
                    key = (
                        ("", f" {p_text} ", " ", " .\n"),
                        (subject.label, obj.label, graph.label),  # type: ignore[union-attr]
                    )
                    positions = "sog"
            elif end:
                key = (("", f" {p_text} {terms.node(obj)}{end}"), (subject.label,))
                positions = "s"
            else:
                key = (
                    ("", f" {p_text} {terms.node(obj)} ", " .\n"),
                    (subject.label, graph.label),  # type: ignore[union-attr]
                )
                positions = "sg"
        else:
            head = (iris.get(subject.value) if type(subject) is IRI else None) or terms.iri(subject)
            if isinstance(obj, BlankNode):
                if end:
                    key = ((f"{head} {p_text} ", end), (obj.label,))
                    positions = "o"
                else:
                    key = (
                        (f"{head} {p_text} ", " ", " .\n"),
                        (obj.label, graph.label),  # type: ignore[union-attr]
                    )
                    positions = "og"
            elif end:
                key = ((f"{head} {p_text} {terms.node(obj)}{end}",), ())
                positions = ""
            else:
                key = (
                    (f"{head} {p_text} {terms.node(obj)} ", " .\n"),
                    (graph.label,),  # type: ignore[union-attr]
                )
                positions = "g"
        if key not in records:
            records[key] = (key[0], key[1], positions, p_text)
    return list(records.values())


# Serialized predicate and datatype IRIs (vocabulary, never a credential's
# data), shared by all calls; bounded.
_VOCABULARY: dict[str, str] = {}
_MAX_VOCABULARY: Final = 4096
_MAX_VOCABULARY_IRI: Final = 512


def _vocabulary_iri(value: object) -> str:
    if type(value) is not str:
        raise CanonicalizationError("an IRI must be a string")
    text = serialize_iri(value)
    if len(value) <= _MAX_VOCABULARY_IRI:
        if len(_VOCABULARY) >= _MAX_VOCABULARY:
            _VOCABULARY.clear()
        _VOCABULARY[value] = text
    return text


def _raw_records(quads: Iterable[RawQuad]) -> list[_Record]:
    """:func:`_records` for quads given as plain data (see :data:`RawQuad`)."""
    iris: dict[str, str] = {}
    vocabulary = _VOCABULARY

    def iri(value: object) -> str:
        if type(value) is not str:
            raise CanonicalizationError("an IRI must be a string")
        text = iris.get(value)
        if text is None:
            text = iris[value] = serialize_iri(value)
        return text

    def literal(term: object) -> str:
        if type(term) is not tuple or len(term) != 3:
            raise CanonicalizationError("a quad holds something that is not an RDF term")
        lexical, datatype, language = term
        if language is None and type(lexical) is str:
            if _needs_escape(lexical) is not None:
                lexical = escape_literal(lexical)
            if datatype == XSD_STRING:
                return f'"{lexical}"'
            if datatype != RDF_LANG_STRING:
                return f'"{lexical}"^^{vocabulary.get(datatype) or _vocabulary_iri(datatype)}'
        return serialize_literal(RdfLiteral(*term))

    records: dict[tuple[tuple[str, ...], tuple[str, ...]], _Record] = {}
    for quad in quads:
        if type(quad) is not tuple or len(quad) != 4:
            raise CanonicalizationError("a dataset holds something that is not a quad")
        subject, predicate, obj, graph = quad
        p_text = (vocabulary.get(predicate) if type(predicate) is str else None) or (
            _vocabulary_iri(predicate)
        )
        key: tuple[tuple[str, ...], tuple[str, ...]]
        graph_label: str | None = None
        if graph is None:
            end = " .\n"
        elif type(graph) is str and graph[:2] == "_:":
            end = ""
            graph_label = graph[2:]
        else:
            end = f" {iri(graph)} .\n"
        if type(obj) is str:
            if obj[:2] == "_:":
                obj_label: str | None = obj[2:]
                o_text = ""
            else:
                obj_label = None
                o_text = iris.get(obj) or iri(obj)
        else:
            obj_label = None
            o_text = literal(obj)
        if type(subject) is str and subject[:2] == "_:":
            label = subject[2:]
            if obj_label is not None:
                if graph_label is None:
                    key = (("", f" {p_text} ", end), (label, obj_label))
                    positions = "so"
                else:
                    key = (("", f" {p_text} ", " ", " .\n"), (label, obj_label, graph_label))
                    positions = "sog"
            elif graph_label is None:
                key = (("", f" {p_text} {o_text}{end}"), (label,))
                positions = "s"
            else:
                key = (("", f" {p_text} {o_text} ", " .\n"), (label, graph_label))
                positions = "sg"
        else:
            head = (iris.get(subject) if type(subject) is str else None) or iri(subject)
            if obj_label is not None:
                if graph_label is None:
                    key = ((f"{head} {p_text} ", end), (obj_label,))
                    positions = "o"
                else:
                    key = ((f"{head} {p_text} ", " ", " .\n"), (obj_label, graph_label))
                    positions = "og"
            elif graph_label is None:
                key = ((f"{head} {p_text} {o_text}{end}",), ())
                positions = ""
            else:
                key = ((f"{head} {p_text} {o_text} ", " .\n"), (graph_label,))
                positions = "g"
        if key not in records:
            records[key] = (key[0], key[1], positions, p_text)
    return list(records.values())


def canonicalize(
    dataset: Dataset,
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    max_deep_iterations: int | None = None,
    max_work: int = DEFAULT_MAX_WORK,
    counter: WorkCounter | None = None,
) -> CanonicalDataset:
    """Canonicalize an RDF dataset with RDFC-1.0 (§4.4.3).

    :param dataset: the quads; duplicates count once.
    :param hash_algorithm: ``"sha256"`` (the default) or ``"sha384"``.
    :param max_deep_iterations: the most Hash N-Degree Quads calls allowed
        for any one blank node; ``None`` means the number of blank nodes
        without a unique first-degree hash, cubed.
    :param max_work: the most Hash N-Degree Quads work in all, counting each
        permutation tried and each related blank node hashed.
    :param counter: if given, the work done is added to it (also when a
        limit is exceeded), for tests and monitoring.
    :raises CanonicalizationError: if a quad or term cannot be serialized.
    :raises CanonicalizationLimitError: if a work limit is exceeded.
    :raises UnsupportedError: for an unknown hash algorithm.
    """
    hash_fn = _check_options(hash_algorithm, max_deep_iterations)
    return _canonicalize(_records(dataset), hash_fn, max_deep_iterations, max_work, counter)


def canonicalize_raw(
    quads: Iterable[RawQuad],
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    max_deep_iterations: int | None = None,
    max_work: int = DEFAULT_MAX_WORK,
    counter: WorkCounter | None = None,
) -> CanonicalDataset:
    """:func:`canonicalize` for quads given as plain data (:data:`RawQuad`).

    The fast path for producers that never build term objects (such as
    :mod:`vcid.jsonld`'s compiled conversion). Same options, same result and
    same errors as :func:`canonicalize` on the equivalent dataset.

    :raises CanonicalizationError: if a quad or term cannot be serialized.
    :raises CanonicalizationLimitError: if a work limit is exceeded.
    :raises UnsupportedError: for an unknown hash algorithm.
    """
    hash_fn = _check_options(hash_algorithm, max_deep_iterations)
    return _canonicalize(_raw_records(quads), hash_fn, max_deep_iterations, max_work, counter)


def _check_options(
    hash_algorithm: str, max_deep_iterations: int | None
) -> Callable[[bytes], hashlib._Hash]:
    hash_fn = _HASHES.get(hash_algorithm)
    if hash_fn is None:
        raise UnsupportedError("RDFC-1.0 hash algorithm must be sha256 or sha384")
    if max_deep_iterations is not None and max_deep_iterations < 0:
        raise UnsupportedError("max_deep_iterations must not be negative")
    return hash_fn


def _canonicalize(
    records: list[_Record],
    hash_fn: Callable[[bytes], hashlib._Hash],
    max_deep_iterations: int | None,
    max_work: int,
    counter: WorkCounter | None = None,
) -> CanonicalDataset:
    """§4.4.3 steps 1-7 over serialized records."""
    # Step 1: the canonicalization state.
    state = _Canonicalizer(hash_fn, max_work)
    try:
        return _run(state, records, max_deep_iterations)
    finally:
        if counter is not None:
            done = max_work - state.work_left
            if state.work_left < 0:
                done -= 1  # the unit that exceeded max_work was refused
            counter.work += done
            counter.n_degree_calls += state.n_degree_calls


def _run(
    state: _Canonicalizer, records: list[_Record], max_deep_iterations: int | None
) -> CanonicalDataset:
    """§4.4.3 steps 2-7."""
    # Step 2: the blank node to quads map.
    to_quads = state.blank_node_to_quads
    for record in records:
        for label in record[1]:
            quads = to_quads.setdefault(label, [])
            # A quad naming a blank node twice is listed once.
            if not quads or quads[-1] is not record:
                quads.append(record)
    # Step 3: the hash to blank nodes map, from first-degree hashes.
    hash_to_blank_nodes: dict[str, list[str]] = {}
    for label in to_quads:
        hash_to_blank_nodes.setdefault(state.hash_first_degree_quads(label), []).append(label)
    # Step 4: issue canonical identifiers for unique hashes, in hash order.
    issuer = state.canonical_issuer
    non_unique: list[tuple[str, list[str]]] = []
    for first_hash in sorted(hash_to_blank_nodes):
        labels = hash_to_blank_nodes[first_hash]
        if len(labels) > 1:
            # Step 4.1: continue; step 4.3 keeps only these in the map.
            non_unique.append((first_hash, labels))
        else:
            # Step 4.2.
            issuer.issue(labels[0])
    # Step 5: the remaining (non-unique) hashes, in hash order.
    if non_unique:
        state.max_deep_iterations = (
            max_deep_iterations
            if max_deep_iterations is not None
            else sum(len(labels) for _, labels in non_unique) ** 3
        )
        for _, labels in non_unique:
            # Step 5.1.
            hash_path_list: list[tuple[str, IdentifierIssuer]] = []
            # Step 5.2.
            for label in labels:
                # Step 5.2.1.
                if label in issuer.issued:
                    continue
                # Steps 5.2.2-5.2.3.
                temporary = IdentifierIssuer("b")
                temporary.issue(label)
                # Step 5.2.4.
                hash_path_list.append(state.hash_n_degree_quads(label, temporary))
            # Step 5.3: by hash, issue canonical identifiers in the order the
            # temporary issuer issued them.
            hash_path_list.sort(key=lambda result: result[0])
            for _, result_issuer in hash_path_list:
                for existing in result_issuer.issued:
                    issuer.issue(existing)
    # Step 6: relabel every quad with its canonical identifiers.
    canonical = issuer.issued
    names = {label: f"_:{identifier}" for label, identifier in canonical.items()}
    lines = {_line(record, names) if record[1] else record[0][0] for record in records}
    # Step 7: the canonical N-Quads document, sorted in code point order.
    return CanonicalDataset(nquads="".join(sorted(lines)), issued=dict(canonical))


def canonical_nquads(
    dataset: Dataset,
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    max_deep_iterations: int | None = None,
    max_work: int = DEFAULT_MAX_WORK,
    counter: WorkCounter | None = None,
) -> str:
    """The canonical N-Quads document for ``dataset`` (RDFC-1.0 §4.4.3).

    Takes the options of :func:`canonicalize` and raises as it does.
    """
    return canonicalize(
        dataset,
        hash_algorithm=hash_algorithm,
        max_deep_iterations=max_deep_iterations,
        max_work=max_work,
        counter=counter,
    ).nquads


__all__ = [
    "DEFAULT_MAX_WORK",
    "MAX_RECURSION_DEPTH",
    "CanonicalDataset",
    "HashAlgorithm",
    "IdentifierIssuer",
    "RawLiteral",
    "RawQuad",
    "WorkCounter",
    "canonical_nquads",
    "canonicalize",
    "canonicalize_raw",
]
