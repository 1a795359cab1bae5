"""JSON-LD expansion and RDF conversion, offline and strict, over pyld.

:class:`JsonLdProcessor` runs JSON-LD 1.1 Expansion (JSON-LD 1.1 API §4.1)
and Deserialize JSON-LD to RDF (§8.2) with pyld 3.3, plus what vcid needs:

* contexts come only from the processor's :class:`DocumentLoader` (by
  default :func:`vcid.jsonld.loader.bundled_loader`, never the network);
* every processor has its own context cache (:mod:`vcid.jsonld.cache`), so
  processors with different loaders can never see each other's contexts;
* safe mode (default) refuses documents that expansion would silently
  change (:mod:`vcid.jsonld.safe`), raising :class:`UndefinedTermError`;
* the result is a :data:`vcid.rdf.Dataset` for :mod:`vcid.canon` to
  canonicalize (RDFC-1.0); ``rdfDirection`` is unset, as Data Integrity uses;
* in safe mode, documents in the common subset take a compiled fast path
  (:mod:`vcid.jsonld.fast`) that gives the same quads; anything else, and
  every document the fast path cannot prove valid, takes pyld's path, which
  returns the result or raises the error.

The caller's document is never modified: pyld's ``expand`` works on a deep
copy of its input.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError

from vcid._json import JsonValue
from vcid.canon.rdfc10 import HashAlgorithm, RawQuad, canonical_nquads, canonicalize_raw
from vcid.errors import JSONLDError, UndefinedTermError, UsageError, VcidError
from vcid.jsonld.cache import BoundedResolver, ContextCache, LoaderAdapter
from vcid.jsonld.fast import RDF_TYPE, FastPath
from vcid.jsonld.loader import DocumentLoader, bundled_loader
from vcid.jsonld.safe import SafeModeViolation, StrictPyld
from vcid.jsonld.template import NodeTemplates
from vcid.rdf import IRI, BlankNode, Dataset, Graph, Literal, Object, Quad, Subject

_MAX_CHAIN: Final = 16


class JsonLdProcessor:
    """Expands JSON-LD documents and converts them to RDF datasets.

    Instances are safe to share between threads (calls are serialised) and
    should be long-lived: their context cache is what makes them fast.
    """

    __slots__ = ("_cache", "_fast", "_loader", "_lock", "_pyld", "_safe", "_templates")

    def __init__(
        self,
        loader: DocumentLoader | None = None,
        *,
        safe: bool = True,
        cache_size: int = 128,
        fast: bool = True,
    ) -> None:
        """:param loader: where contexts come from; default: bundled only.
            Its documents are treated as immutable: each URL's context is
            processed once and reused.
        :param safe: refuse documents that expansion would silently change.
        :param cache_size: resolved contexts kept (least recently used go).
        :param fast: use the compiled fast path (safe mode only) where it
            applies; ``False`` always runs pyld (for comparison and tests).
        :raises UsageError: if ``cache_size`` is below 1.
        """
        if cache_size < 1:
            raise UsageError("cache_size must be at least 1")
        self._loader: DocumentLoader = loader if loader is not None else bundled_loader()
        self._safe = safe
        self._cache = ContextCache(cache_size)
        self._pyld = StrictPyld(safe=safe)
        self._lock = threading.RLock()
        self._fast = FastPath(self._pyld, self._options, self._loader) if safe and fast else None
        self._templates = NodeTemplates(self.canonical_nquads) if self._fast is not None else None

    @property
    def safe(self) -> bool:
        """Whether safe mode is on."""
        return self._safe

    def __repr__(self) -> str:
        return f"JsonLdProcessor(safe={self._safe}, loader={self._loader!r})"

    def _options(self) -> dict[str, Any]:
        adapter = LoaderAdapter(self._loader, self._cache)
        return {
            "documentLoader": adapter,
            "contextResolver": BoundedResolver(self._cache, adapter),
            "base": "",
            "processingMode": "json-ld-1.1",
            "extractAllScripts": False,
        }

    def expand(self, document: Mapping[str, JsonValue]) -> list[JsonValue]:
        """Expand a JSON-LD document (JSON-LD 1.1 API §4.1).

        :param document: a JSON-LD object (not modified).
        :raises UsageError: if ``document`` is not a mapping.
        :raises DocumentLoadError: for a context the loader does not have.
        :raises UndefinedTermError: in safe mode, for a term, type or
            reference that expansion would drop or leave relative.
        :raises JSONLDError: for any other invalid JSON-LD.
        """
        source = _as_dict(document)
        with self._lock, _translated():
            expanded: list[JsonValue] = self._pyld.expand(source, self._options())
        return expanded

    def check(self, document: Mapping[str, JsonValue]) -> None:
        """Raise exactly what :meth:`expand` would raise, without expanding.

        For callers that need only the safe-mode verdict (JCS suites): the
        fast path answers for documents it covers, pyld for the rest.

        :param document: a JSON-LD object (not modified).
        :raises: as :meth:`expand`.
        """
        source = _as_dict(document)
        if self._fast_quads(source) is None:
            self.expand(source)

    def to_rdf(self, document: Mapping[str, JsonValue]) -> Dataset:
        """Convert a JSON-LD document to an RDF dataset (JSON-LD 1.1 API §8.2).

        Blank nodes keep pyld's labels (``b0``, ``b1`` ...); quads come graph
        by graph, default graph first, without duplicates.

        :param document: a JSON-LD object (not modified).
        :raises UsageError: if ``document`` is not a mapping.
        :raises DocumentLoadError: for a context the loader does not have.
        :raises UndefinedTermError: in safe mode, as :meth:`expand`, or for a
            property that maps to a blank node (not RDF).
        :raises JSONLDError: for any other invalid JSON-LD.
        """
        source = _as_dict(document)
        quads = self._fast_quads(source)
        if quads is not None:
            return _dataset_from_raw(quads)
        return self._general_to_rdf(source)

    def canonical_nquads(
        self,
        document: Mapping[str, JsonValue],
        *,
        hash_algorithm: HashAlgorithm = "sha256",
    ) -> str:
        """The RDFC-1.0 canonical N-Quads of a JSON-LD document (§8.2, RDFC-1.0 §4.4).

        The same text as ``canonical_nquads(self.to_rdf(document))``, without
        building term objects when the fast path applies.

        :param document: a JSON-LD object (not modified).
        :param hash_algorithm: RDFC-1.0's internal hash (``sha256`` or ``sha384``).
        :raises: as :meth:`to_rdf`, and as :func:`vcid.canon.rdfc10.canonicalize`.
        """
        source = _as_dict(document)
        quads = self._fast_quads(source)
        if quads is not None:
            return canonicalize_raw(quads, hash_algorithm=hash_algorithm).nquads
        return canonical_nquads(self._general_to_rdf(source), hash_algorithm=hash_algorithm)

    def canonical_node_nquads(
        self, document: Mapping[str, JsonValue], *, variable: Collection[str]
    ) -> str:
        """:meth:`canonical_nquads` of a one-node document whose shape repeats.

        For documents such as proof configurations, where only the string
        values of the ``variable`` keys change from one call to the next: the
        shape is canonicalized once and the values are filled in
        (:mod:`vcid.jsonld.template`). Same text and same errors as
        :meth:`canonical_nquads`; without the fast path it is that method.

        :param document: a JSON-LD object (not modified).
        :param variable: the keys whose string values vary.
        :raises: as :meth:`canonical_nquads`.
        """
        if self._templates is None:
            return self.canonical_nquads(document)
        return self._templates.canonical_nquads(_as_dict(document), variable)

    def _fast_quads(self, source: dict[str, JsonValue]) -> list[RawQuad] | None:
        if self._fast is None:
            return None
        with self._lock:
            return self._fast.quads(source)

    def _general_to_rdf(self, source: dict[str, JsonValue]) -> Dataset:
        with self._lock, _translated():
            options = self._options()
            options["produceGeneralizedRdf"] = True
            options["identifierIssuer"] = IdentifierIssuer("_:b")
            raw: dict[str, list[dict[str, dict[str, str]]]] = self._pyld.to_rdf(source, options)
        return _to_dataset(raw, safe=self._safe)


def _as_dict(document: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    if isinstance(document, dict):
        return document
    if isinstance(document, Mapping):
        return dict(document)
    raise UsageError("a JSON-LD document must be a JSON object (mapping)")


@contextmanager
def _translated() -> Iterator[None]:
    """Turn pyld's and the safe-mode hooks' errors into vcid errors."""
    try:
        yield
    except SafeModeViolation as violation:
        raise UndefinedTermError(violation.describe()) from None
    except VcidError:
        raise
    except JsonLdError as exc:
        raise _from_pyld(exc) from None
    except RecursionError:
        raise JSONLDError("JSON-LD document nested too deeply") from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        raise JSONLDError(f"malformed JSON-LD ({type(exc).__name__})") from None


def _from_pyld(exc: JsonLdError) -> VcidError:
    """Find the real cause of a pyld error (pyld wraps causes in its own)."""
    innermost: JsonLdError = exc
    cause: BaseException | None = exc
    for _ in range(_MAX_CHAIN):
        if cause is None:
            break
        if isinstance(cause, SafeModeViolation):
            return UndefinedTermError(cause.describe())
        if isinstance(cause, VcidError):
            return cause
        if isinstance(cause, JsonLdError):
            innermost = cause
        cause = cause.__cause__ or cause.__context__
    message = str(innermost.args[0]) if innermost.args else "invalid JSON-LD"
    code = getattr(innermost, "code", None)
    return JSONLDError(f"{message} [{code}]" if code else message)


def _to_dataset(raw: Mapping[str, list[dict[str, dict[str, str]]]], *, safe: bool) -> Dataset:
    dataset: Dataset = []
    seen: set[Quad] = set()
    for graph_name, triples in raw.items():
        graph: Graph = None if graph_name == "@default" else _resource(graph_name)
        for triple in triples:
            predicate = triple["predicate"]
            if predicate["type"] != "IRI":
                if safe:
                    raise UndefinedTermError(
                        "a term maps to a blank node identifier; blank-node properties are not RDF"
                    )
                continue
            subject: Subject = _resource(triple["subject"]["value"])
            quad = Quad(subject, IRI(predicate["value"]), _object(triple["object"]), graph)
            if quad not in seen:  # e.g. "x" and {"@value": "x", "@type": xsd:string}
                seen.add(quad)
                dataset.append(quad)
    return dataset


def _dataset_key(quad: RawQuad) -> tuple[str, str, str]:
    """pyld's order: graphs (default first), subjects, then ``@type`` and properties."""
    graph = quad[3]
    predicate = quad[1]
    return (
        "@default" if graph is None else graph,
        quad[0],
        "@type" if predicate == RDF_TYPE else predicate,
    )


def _dataset_from_raw(quads: list[RawQuad]) -> Dataset:
    """The fast path's quads as a dataset, in the general path's order."""
    dataset: Dataset = []
    append = dataset.append
    terms: dict[str, IRI | BlankNode] = {}
    seen: set[RawQuad] = set()
    for quad in sorted(quads, key=_dataset_key):
        if quad in seen:
            continue
        seen.add(quad)
        subject, predicate, obj, graph = quad
        s = terms.get(subject) or terms.setdefault(subject, _resource(subject))
        p = terms.get(predicate) or terms.setdefault(predicate, IRI(predicate))
        o: Object
        if type(obj) is str:
            o = terms.get(obj) or terms.setdefault(obj, _resource(obj))
        else:
            o = Literal(*obj)
        g: Graph = None
        if graph is not None:
            g = terms.get(graph) or terms.setdefault(graph, _resource(graph))
        append(Quad(s, p, o, g))  # type: ignore[arg-type]
    return dataset


def _resource(value: str) -> IRI | BlankNode:
    if value.startswith("_:"):
        return BlankNode(value[2:])
    return IRI(value)


def _object(term: Mapping[str, str]) -> Object:
    kind = term["type"]
    if kind == "literal":
        return Literal(term["value"], term["datatype"], term.get("language"))
    if kind == "blank node":
        return BlankNode(term["value"][2:])
    return IRI(term["value"])


__all__ = ["JsonLdProcessor"]
