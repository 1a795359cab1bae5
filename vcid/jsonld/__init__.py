"""JSON-LD for vcid: offline context loading and strict (safe-mode) processing."""

from __future__ import annotations

from vcid.jsonld.loader import (
    DocumentLoader,
    StaticLoader,
    bundled_context_bytes,
    bundled_loader,
    load_context_files,
    parse_context_option,
)
from vcid.jsonld.processor import JsonLdProcessor

__all__ = [
    "DocumentLoader",
    "JsonLdProcessor",
    "StaticLoader",
    "bundled_context_bytes",
    "bundled_loader",
    "load_context_files",
    "parse_context_option",
]
