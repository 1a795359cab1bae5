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
  canonicalize (RDFC-1.0); ``rdfDirection`` is unset, as Data Integrity uses.

The caller's document is never modified: pyld's ``expand`` works on a deep
copy of its input.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError

from vcid._json import JsonValue
from vcid.errors import JSONLDError, UndefinedTermError, UsageError, VcidError
from vcid.jsonld.cache import BoundedResolver, ContextCache, LoaderAdapter
from vcid.jsonld.loader import DocumentLoader, bundled_loader
from vcid.jsonld.safe import SafeModeViolation, StrictPyld
from vcid.rdf import IRI, BlankNode, Dataset, Graph, Literal, Object, Quad, Subject

_MAX_CHAIN: Final = 16


class JsonLdProcessor:
    """Expands JSON-LD documents and converts them to RDF datasets.

    Instances are safe to share between threads (calls are serialised) and
    should be long-lived: their context cache is what makes them fast.
    """

    __slots__ = ("_cache", "_loader", "_lock", "_pyld", "_safe")

    def __init__(
        self,
        loader: DocumentLoader | None = None,
        *,
        safe: bool = True,
        cache_size: int = 128,
    ) -> None:
        """:param loader: where contexts come from; default: bundled only.
        :param safe: refuse documents that expansion would silently change.
        :param cache_size: resolved contexts kept (least recently used go).
        :raises UsageError: if ``cache_size`` is below 1.
        """
        if cache_size < 1:
            raise UsageError("cache_size must be at least 1")
        self._loader: DocumentLoader = loader if loader is not None else bundled_loader()
        self._safe = safe
        self._cache = ContextCache(cache_size)
        self._pyld = StrictPyld(safe=safe)
        self._lock = threading.RLock()

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

    def to_rdf(self, document: Mapping[str, JsonValue]) -> Dataset:
        """Convert a JSON-LD document to an RDF dataset (JSON-LD 1.1 API §8.2).

        Blank nodes keep pyld's labels (``b0``, ``b1`` ...); quads come graph
        by graph, default graph first.

        :param document: a JSON-LD object (not modified).
        :raises UsageError: if ``document`` is not a mapping.
        :raises DocumentLoadError: for a context the loader does not have.
        :raises UndefinedTermError: in safe mode, as :meth:`expand`, or for a
            property that maps to a blank node (not RDF).
        :raises JSONLDError: for any other invalid JSON-LD.
        """
        source = _as_dict(document)
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
    append = dataset.append
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
            append(Quad(subject, IRI(predicate["value"]), _object(triple["object"]), graph))
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
