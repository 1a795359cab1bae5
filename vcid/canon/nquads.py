"""N-Quads: canonical serialization and a strict parser.

Serialization follows the canonical N-Quads form that RDFC-1.0 §4.4 relies
on (RDF 1.2 N-Quads §"Canonical N-Quads"): terms separated by one space, no
comments, ``^^xsd:string`` omitted, and literal escaping limited to ``\\\\``,
``\\"``, the ECHARs ``\\b \\t \\n \\f \\r`` and ``\\u00XX`` (upper-case hex)
for the remaining U+0000-U+001F and U+007F. Nothing else is escaped; IRIs are
written as they are, so an IRI that could not be written unescaped is an
error rather than an ambiguity.

The parser accepts the RDF 1.1 N-Quads grammar (§3, "Grammar") and nothing
more; every error names the line and column, never the offending text.
"""

from __future__ import annotations

import re
from typing import Final

from vcid.errors import CanonicalizationError, CanonicalizationLimitError
from vcid.rdf import (
    IRI,
    RDF_LANG_STRING,
    XSD_STRING,
    BlankNode,
    Dataset,
    Literal,
    Object,
    Quad,
)

# --- serialization ------------------------------------------------------------

LITERAL_SPECIAL: Final = re.compile('[\x00-\x1f\x7f"\\\\\ud800-\udfff]')
"""Characters a literal cannot hold raw: escapes, and lone surrogates."""
_ECHARS: Final = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_LITERAL_ESCAPES: Final = {
    **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]},
    **_ECHARS,
}
# IRIREF excludes these code points (N-Quads §3); they cannot appear raw.
_IRI_FORBIDDEN: Final = re.compile('[\x00-\x20<>"{}|^`\\\\\ud800-\udfff]')
_LANGTAG: Final = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")

_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d"
    "\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff"
    "\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U: Final = _PN_CHARS_BASE + "_:"
_PN_CHARS: Final = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BNODE_LABEL: Final = f"[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_BNODE_LABEL_RE: Final = re.compile(_BNODE_LABEL + r"\Z")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    escaped = _LITERAL_ESCAPES.get(char)
    if escaped is None:
        raise CanonicalizationError("literal contains a lone UTF-16 surrogate")
    return escaped


def escape_literal(lexical: str) -> str:
    """Escape a literal's lexical form for canonical N-Quads (RDFC-1.0 §4.4).

    :param lexical: the lexical form.
    :raises CanonicalizationError: if it holds a lone surrogate.
    """
    if LITERAL_SPECIAL.search(lexical) is None:
        return lexical
    return LITERAL_SPECIAL.sub(_escape_char, lexical)


def serialize_iri(value: str) -> str:
    """Serialize an IRI as an N-Quads IRIREF, unescaped.

    :param value: the IRI.
    :raises CanonicalizationError: if the IRI is empty or holds a character
        IRIREF does not allow raw (controls, space, ``<>"{}|^`\\``).
    """
    if not value or _IRI_FORBIDDEN.search(value) is not None:
        raise CanonicalizationError(
            "IRI is empty or contains a character that N-Quads does not allow"
        )
    return f"<{value}>"


def serialize_literal(literal: Literal) -> str:
    """Serialize a literal in canonical N-Quads form.

    :param literal: the literal; a language tag means ``rdf:langString``.
    :raises CanonicalizationError: for a malformed language tag, an
        ``rdf:langString`` without a tag, or a lone surrogate.
    """
    text = f'"{escape_literal(literal.lexical)}"'
    if literal.language is not None:
        if literal.datatype not in (RDF_LANG_STRING, XSD_STRING):
            raise CanonicalizationError("literal has both a language tag and a datatype")
        if _LANGTAG.match(literal.language) is None:
            raise CanonicalizationError("literal has a malformed language tag")
        return f"{text}@{literal.language}"
    if literal.datatype == XSD_STRING:
        return text
    if literal.datatype == RDF_LANG_STRING:
        raise CanonicalizationError("rdf:langString literal without a language tag")
    return f"{text}^^{serialize_iri(literal.datatype)}"


def serialize_blank_node(node: BlankNode) -> str:
    """Serialize a blank node as ``_:label``.

    :raises CanonicalizationError: if the label is not a BLANK_NODE_LABEL.
    """
    if _BNODE_LABEL_RE.match(node.label) is None:
        raise CanonicalizationError("blank node label is not valid N-Quads")
    return f"_:{node.label}"


def serialize_term(term: IRI | BlankNode | Literal) -> str:
    """Serialize one RDF term in canonical N-Quads form.

    :param term: an IRI, blank node or literal.
    :raises CanonicalizationError: if the term cannot be written.
    """
    checked: object = term
    if isinstance(checked, IRI):
        return serialize_iri(checked.value)
    if isinstance(checked, BlankNode):
        return serialize_blank_node(checked)
    if isinstance(checked, Literal):
        return serialize_literal(checked)
    raise CanonicalizationError("not an RDF term")


def serialize_quad(quad: Quad) -> str:
    """Serialize a quad as one canonical N-Quads line ending in ``\\n``.

    :raises CanonicalizationError: if a term cannot be written, or a subject,
        predicate or graph holds a term that position does not allow.
    """
    subject: object = quad.subject
    predicate: object = quad.predicate
    graph: object = quad.graph
    if not isinstance(subject, IRI | BlankNode):
        raise CanonicalizationError("a subject must be an IRI or blank node")
    if not isinstance(predicate, IRI):
        raise CanonicalizationError("a predicate must be an IRI")
    head = (
        f"{serialize_term(subject)} {serialize_iri(predicate.value)} {serialize_term(quad.object)}"
    )
    if graph is None:
        return f"{head} .\n"
    if not isinstance(graph, IRI | BlankNode):
        raise CanonicalizationError("a graph name must be an IRI or blank node")
    return f"{head} {serialize_term(graph)} .\n"


def serialize(dataset: Dataset) -> str:
    """Serialize quads as N-Quads, one line each, in the order given.

    :raises CanonicalizationError: if a quad cannot be written.
    """
    return "".join(serialize_quad(quad) for quad in dataset)


# --- parsing --------------------------------------------------------------

_HEX4: Final = "[0-9A-Fa-f]{4}"
_UCHAR: Final = rf"\\u{_HEX4}|\\U{_HEX4}{_HEX4}"
_WS: Final = re.compile(r"[ \t]*")
_IRIREF: Final = re.compile(rf'<((?:[^\x00-\x20<>"{{}}|^`\\]|{_UCHAR})*)>')
_STRING: Final = re.compile(rf'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*)"')
_BNODE: Final = re.compile("_:(" + _BNODE_LABEL + ")")
_LANG: Final = re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")
_END: Final = re.compile(r"\.[ \t]*(?:#.*)?\Z")
_BLANK_LINE: Final = re.compile(r"[ \t]*(?:#.*)?\Z")
_ESCAPE: Final = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"\'\\]))')
_ECHAR_VALUES: Final = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LINES: Final = re.compile(r"\r\n|\r|\n")


class _Syntax(Exception):
    """A parse error at a column of the current line (internal)."""

    def __init__(self, column: int, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _unescape_char(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2)
    if hex_digits is None:
        return _ECHAR_VALUES[match.group(3)]
    code = int(hex_digits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _Syntax(match.start(), "escape is not a Unicode scalar value")
    return chr(code)


def _unescape(text: str, column: int) -> str:
    if "\\" not in text:
        return text
    try:
        return _ESCAPE.sub(_unescape_char, text)
    except _Syntax as exc:
        raise _Syntax(column + exc.column, exc.reason) from None


class _LineParser:
    """Parses one N-Quads statement from one line."""

    __slots__ = ("line", "pos")

    def __init__(self, line: str) -> None:
        self.line = line
        self.pos = 0

    def skip_ws(self) -> None:
        match = _WS.match(self.line, self.pos)
        assert match is not None  # [ \t]* always matches
        self.pos = match.end()

    def iri(self) -> IRI | None:
        match = _IRIREF.match(self.line, self.pos)
        if match is None:
            return None
        start = self.pos + 1
        value = _unescape(match.group(1), start)
        if _SCHEME.match(value) is None:
            raise _Syntax(start, "IRI is not absolute")
        if _IRI_FORBIDDEN.search(value) is not None:
            raise _Syntax(start, "IRI escape encodes a character IRIs forbid")
        self.pos = match.end()
        return IRI(value)

    def blank_node(self) -> BlankNode | None:
        match = _BNODE.match(self.line, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return BlankNode(match.group(1))

    def literal(self) -> Literal | None:
        match = _STRING.match(self.line, self.pos)
        if match is None:
            return None
        lexical = _unescape(match.group(1), self.pos + 1)
        self.pos = match.end()
        self.skip_ws()
        if self.line.startswith("^^", self.pos):
            self.pos += 2
            self.skip_ws()
            start = self.pos
            datatype = self.iri()
            if datatype is None:
                raise _Syntax(start, "expected a datatype IRI after '^^'")
            if datatype.value == RDF_LANG_STRING:
                raise _Syntax(start, "rdf:langString needs a language tag")
            return Literal(lexical, datatype.value)
        lang = _LANG.match(self.line, self.pos)
        if lang is not None:
            self.pos = lang.end()
            return Literal(lexical, RDF_LANG_STRING, lang.group(1))
        return Literal(lexical)

    def statement(self) -> Quad:
        self.skip_ws()
        subject = self.iri() or self.blank_node()
        if subject is None:
            raise _Syntax(self.pos, "expected an IRI or blank node as subject")
        self.skip_ws()
        predicate = self.iri()
        if predicate is None:
            raise _Syntax(self.pos, "expected an IRI as predicate")
        self.skip_ws()
        obj: Object | None = self.iri() or self.blank_node() or self.literal()
        if obj is None:
            raise _Syntax(self.pos, "expected an IRI, blank node or literal")
        self.skip_ws()
        graph = self.iri() or self.blank_node()
        self.skip_ws()
        if _END.match(self.line, self.pos) is None:
            raise _Syntax(self.pos, "expected '.' to end the statement")
        return Quad(subject, predicate, obj, graph)


def parse(text: str, *, max_quads: int = 100_000) -> Dataset:
    """Parse an N-Quads document strictly (RDF 1.1 N-Quads §3).

    Every statement must sit on its own line; comments and blank lines are
    allowed. Duplicate statements are kept, in document order.

    :param text: the N-Quads document.
    :param max_quads: the most statements accepted.
    :raises CanonicalizationError: for malformed input, with line and column.
    :raises CanonicalizationLimitError: for more than ``max_quads`` statements.
    """
    dataset: Dataset = []
    for line_number, line in enumerate(_split_lines(text), start=1):
        if _BLANK_LINE.match(line) is not None:
            continue
        if len(dataset) >= max_quads:
            raise CanonicalizationLimitError(
                f"N-Quads document has more than {max_quads} statements"
            )
        try:
            dataset.append(_LineParser(line).statement())
        except _Syntax as exc:
            raise CanonicalizationError(
                f"N-Quads syntax error at line {line_number}, column {exc.column + 1}: {exc.reason}"
            ) from None
    return dataset


def _split_lines(text: str) -> list[str]:
    """Split into physical lines; runs of EOL (``[#xD#xA]+``) give blank lines."""
    return _LINES.split(text)


__all__ = [
    "LITERAL_SPECIAL",
    "escape_literal",
    "parse",
    "serialize",
    "serialize_blank_node",
    "serialize_iri",
    "serialize_literal",
    "serialize_quad",
    "serialize_term",
]
