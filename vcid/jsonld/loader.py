"""Offline JSON-LD document loaders (JSON-LD 1.1 API §9.4 LoadDocumentCallback).

vcid never fetches contexts from the network. :func:`bundled_loader` serves
the contexts shipped in ``vcid/contexts`` (each checked against the SHA-256
recorded in ``index.json``); :meth:`StaticLoader.extended` adds documents the
caller trusts, such as the CLI's ``--context URL=PATH`` files. Callers that
need other sources (a pinned cache, an HTTP fetcher with an allow-list) can
pass any callable that satisfies :class:`DocumentLoader`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final, Protocol, runtime_checkable

from vcid._json import JsonObject, JsonValue, load_object
from vcid.errors import DocumentLoadError, JSONParseError, UsageError

_ABSOLUTE_IRI: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_INDEX_FILE: Final = "index.json"


@runtime_checkable
class DocumentLoader(Protocol):
    """Returns the parsed JSON-LD document (usually a context) for a URL."""

    def __call__(self, url: str) -> JsonObject:
        """Load ``url``.

        :raises DocumentLoadError: when the URL is unknown or unreadable.
        """
        ...


def _is_absolute_iri(value: str) -> bool:
    return _ABSOLUTE_IRI.match(value) is not None


class StaticLoader:
    """An immutable URL -> document map; never touches the network.

    Documents are copied on the way in and on the way out, so neither the
    caller nor a JSON-LD processor can change what the loader serves.
    """

    __slots__ = ("_documents",)

    _documents: Mapping[str, JsonObject]

    def __init__(self, documents: Mapping[str, JsonObject] | None = None) -> None:
        """:param documents: URL -> parsed JSON object (copied).

        :raises UsageError: for a URL that is not absolute or a document that
            is not a JSON object.
        """
        owned: dict[str, JsonObject] = {}
        for url, document in (documents or {}).items():
            _check_entry(url, document)
            owned[url] = copy.deepcopy(document)
        self._documents = MappingProxyType(owned)

    def __call__(self, url: str) -> JsonObject:
        """Return a fresh copy of the document stored for ``url``.

        :raises DocumentLoadError: if ``url`` is not in the loader.
        """
        try:
            document = self._documents[url]
        except (KeyError, TypeError):
            raise DocumentLoadError(
                f"context {url!r} is not available offline; supply it "
                "explicitly (e.g. --context URL=PATH)"
            ) from None
        return copy.deepcopy(document)

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def __repr__(self) -> str:
        return f"StaticLoader({len(self._documents)} documents)"

    @property
    def urls(self) -> frozenset[str]:
        """The URLs this loader serves."""
        return frozenset(self._documents)

    def extended(self, documents: Mapping[str, JsonObject]) -> StaticLoader:
        """Return a new loader serving these documents as well.

        :param documents: URL -> parsed JSON object.
        :raises UsageError: if a URL already served is given different
            content (a bundled context cannot be silently replaced).
        """
        merged = dict(self._documents)
        for url, document in documents.items():
            _check_entry(url, document)
            existing = merged.get(url)
            if existing is not None and existing != document:
                raise UsageError(f"context {url!r} is already defined with different content")
            merged[url] = document
        return StaticLoader(merged)


def _check_entry(url: object, document: object) -> None:
    if not isinstance(url, str) or not _is_absolute_iri(url):
        raise UsageError("context URLs must be absolute IRIs")
    if not isinstance(document, dict):
        raise UsageError(f"document for {url!r} must be a JSON object")


def _read_resource(name: str) -> bytes:
    """Read one file of the bundled ``vcid/contexts`` folder."""
    return (resources.files("vcid") / "contexts" / name).read_bytes()


@functools.cache
def _bundled_files() -> dict[str, bytes]:
    """The bundled context files' bytes by URL, each checked against its sha256."""
    try:
        index = load_object(_read_resource(_INDEX_FILE))
    except (OSError, JSONParseError) as exc:
        raise DocumentLoadError(f"bundled context index unreadable: {exc}") from None
    files: dict[str, bytes] = {}
    for url, entry in index.items():
        if not isinstance(entry, dict):
            raise DocumentLoadError(f"bundled context index entry {url!r} malformed")
        name, digest = entry.get("file"), entry.get("sha256")
        if not isinstance(name, str) or not isinstance(digest, str):
            raise DocumentLoadError(f"bundled context index entry {url!r} malformed")
        try:
            data = _read_resource(name)
        except OSError:
            raise DocumentLoadError(f"bundled context {url!r} is missing") from None
        if hashlib.sha256(data).hexdigest() != digest.lower():
            raise DocumentLoadError(f"bundled context {url!r} does not match its recorded sha256")
        files[url] = data
    return files


def bundled_context_bytes(url: str) -> bytes | None:
    """The exact bytes of the bundled context at ``url``, or None if not bundled.

    For checking ``relatedResource`` digests (VCDM 2.0 §5.3) offline.

    :raises DocumentLoadError: if the bundled files are damaged.
    """
    return _bundled_files().get(url)


@functools.cache
def bundled_loader() -> StaticLoader:
    """The loader of every context bundled with vcid (``contexts/index.json``).

    Each file is checked against its recorded SHA-256 and parsed strictly,
    once per process; the result is immutable and shared.

    :raises DocumentLoadError: if a bundled file is missing, altered or
        malformed (a broken installation).
    """
    documents: dict[str, JsonObject] = {}
    for url, data in _bundled_files().items():
        try:
            documents[url] = load_object(data)
        except JSONParseError as exc:
            raise DocumentLoadError(f"bundled context {url!r}: {exc}") from None
    return StaticLoader(documents)


def parse_context_option(option: str) -> tuple[str, Path]:
    """Split a CLI ``--context URL=PATH`` option at its first ``=``.

    :param option: the option text.
    :raises UsageError: if there is no ``=``, the URL is not an absolute IRI
        or the path is empty.
    """
    url, sep, path = option.partition("=")
    url = url.strip()
    if not sep or not path.strip():
        raise UsageError("--context expects URL=PATH")
    if not _is_absolute_iri(url):
        raise UsageError("--context URL must be an absolute IRI (URL=PATH)")
    return url, Path(path)


def load_context_files(pairs: Iterable[tuple[str, Path]]) -> dict[str, JsonObject]:
    """Read context documents from files, for :meth:`StaticLoader.extended`.

    :param pairs: (URL, path) pairs, e.g. from :func:`parse_context_option`.
    :raises UsageError: for a duplicate or non-absolute URL, an unreadable
        file, a file that is not strict JSON, or a JSON object without
        ``@context``.
    """
    loaded: dict[str, JsonObject] = {}
    for url, path in pairs:
        if not _is_absolute_iri(url):
            raise UsageError("context URL must be an absolute IRI")
        if url in loaded:
            raise UsageError(f"context {url!r} given more than once")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(
                f"cannot read context file {str(path)!r} for {url!r}: {reason}"
            ) from None
        try:
            document = load_object(data)
        except JSONParseError as exc:
            raise UsageError(
                f"context file {str(path)!r} for {url!r} is not valid JSON: {exc}"
            ) from None
        context: JsonValue = document.get("@context")
        if not isinstance(context, dict | list | str):
            raise UsageError(f"context file {str(path)!r} for {url!r} has no @context object")
        loaded[url] = document
    return loaded


__all__ = [
    "DocumentLoader",
    "StaticLoader",
    "bundled_loader",
    "load_context_files",
    "parse_context_option",
]
