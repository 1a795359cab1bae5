"""N-Quads: canonical escaping, round trips, and strict parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.canon import nquads
from vcid.canon.nquads import parse, serialize, serialize_quad, serialize_term
from vcid.errors import CanonicalizationError, CanonicalizationLimitError
from vcid.rdf import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad

S = IRI("urn:ex:s")
P = IRI("urn:ex:p")

# --- escaping (RDFC-1.0 canonical N-Quads; cf. rdf-canon test060) -------------


@pytest.mark.parametrize(
    ("lexical", "written"),
    [
        ("", '""'),
        ("simple", '"simple"'),
        ('"', '"\\""'),
        ("\\", '"\\\\"'),
        ("\n", '"\\n"'),
        ("\r", '"\\r"'),
        ("\t\b\n\r\f\"'\\", '"\\t\\b\\n\\r\\f\\"\'\\\\"'),
        ("\\u0039", '"\\\\u0039"'),
        ("\x00\x01\x07", '"\\u0000\\u0001\\u0007"'),
        ("\x0b", '"\\u000B"'),
        ("\x0e\x1a\x1f", '"\\u000E\\u001A\\u001F"'),
        ("\x7f", '"\\u007F"'),
        # Nothing outside U+0000-U+001F, U+007F, " and \ is escaped.
        ("\x80\x9f\xa0", '"\x80\x9f\xa0"'),
        ("\u2028\u2029\ufeff", '"\u2028\u2029\ufeff"'),
        ("∞🌃", '"∞🌃"'),
        (" <>{}|^`", '" <>{}|^`"'),
    ],
)
def test_literal_escaping(lexical: str, written: str) -> None:
    assert serialize_term(Literal(lexical)) == written


def test_all_controls_escaped_as_test060() -> None:
    text = serialize_term(Literal("".join(chr(c) for c in range(16))))
    assert text == (
        '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007'
        '\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F"'
    )


def test_datatypes_and_languages() -> None:
    assert serialize_term(Literal("a", XSD_STRING)) == '"a"'
    assert serialize_term(Literal("a", "urn:dt")) == '"a"^^<urn:dt>'
    assert serialize_term(Literal("a", RDF_LANG_STRING, "en-GB")) == '"a"@en-GB'
    assert serialize_term(Literal("a", language="de")) == '"a"@de'


@pytest.mark.parametrize(
    "term",
    [
        Literal("a", RDF_LANG_STRING),
        Literal("a", "urn:dt", "en"),
        Literal("a", language="en gb"),
        Literal("a", language=""),
        Literal("lone \udc00"),
        Literal("a", "urn:bad datatype"),
        IRI(""),
        IRI("urn:a b"),
        IRI("urn:a>b"),
        IRI("urn:a\\u0041"),
        IRI("urn:\n"),
        BlankNode(""),
        BlankNode("a b"),
        BlankNode("ends."),
    ],
)
def test_unwritable_terms(term: IRI | BlankNode | Literal) -> None:
    with pytest.raises(CanonicalizationError):
        serialize_term(term)


def test_serialize_quads() -> None:
    quads = [
        Quad(S, P, BlankNode("b0")),
        Quad(BlankNode("b0"), P, Literal("x"), IRI("urn:ex:g")),
        Quad(BlankNode("b0"), P, Literal("x"), BlankNode("g")),
    ]
    assert serialize(quads) == (
        "<urn:ex:s> <urn:ex:p> _:b0 .\n"
        '_:b0 <urn:ex:p> "x" <urn:ex:g> .\n'
        '_:b0 <urn:ex:p> "x" _:g .\n'
    )


@pytest.mark.parametrize(
    "quad",
    [
        Quad(Literal("s"), P, S),  # type: ignore[arg-type]
        Quad(S, BlankNode("p"), S),  # type: ignore[arg-type]
        Quad(S, P, S, Literal("g")),  # type: ignore[arg-type]
    ],
)
def test_quad_positions_checked(quad: Quad) -> None:
    with pytest.raises(CanonicalizationError):
        serialize_quad(quad)


# --- parsing ---------------------------------------------------------------------


def test_parse_terms_and_unescaping() -> None:
    text = (
        "# a comment\n"
        "<urn:ex:s> <urn:ex:p> <urn:ex:\\u221e> .\n"
        '_:b0 <urn:ex:p> "a\\tb\\u0022\\U0001F303\'" <urn:ex:g> . # trailing\n'
        '\t<urn:ex:s>  <urn:ex:p>\t"x"@en-GB  _:g .\r\n'
        '<urn:ex:s><urn:ex:p>"1"^^<http://www.w3.org/2001/XMLSchema#integer>.\n'
        "\n\n"
        '<urn:ex:s> <urn:ex:p> "s"^^<http://www.w3.org/2001/XMLSchema#string> .'
    )
    assert parse(text) == [
        Quad(S, P, IRI("urn:ex:∞")),
        Quad(BlankNode("b0"), P, Literal("a\tb\"🌃'"), IRI("urn:ex:g")),
        Quad(S, P, Literal("x", RDF_LANG_STRING, "en-GB"), BlankNode("g")),
        Quad(S, P, Literal("1", "http://www.w3.org/2001/XMLSchema#integer")),
        Quad(S, P, Literal("s")),
    ]


def test_parse_keeps_duplicates_and_blank_node_labels() -> None:
    line = "_:a.b-c_1 <urn:ex:p> _:x .\n"
    assert parse(line * 2) == [Quad(BlankNode("a.b-c_1"), P, BlankNode("x"))] * 2


def test_parse_test060(vectors_dir: Path) -> None:
    folder = vectors_dir / "rdf-canon" / "rdfc10"
    source = parse((folder / "test060-in.nq").read_text("utf-8"))
    expected = (folder / "test060-rdfc10.nq").read_text("utf-8")
    # The canonical form, sorted, is the suite's expected output.
    # (split on "\n" only: a literal holds U+0085, which splitlines splits on.)
    lines = {f"{line}\n" for line in serialize(source).split("\n") if line}
    assert "".join(sorted(lines)) == expected
    # And the expected output parses back to the same quads.
    assert set(parse(expected)) == set(source)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("<urn:a> <urn:b> <urn:c>", 1, 24),  # no final '.'
        ("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .", 2, 17),
        ('<urn:a> <urn:b> "open .', 1, 17),
        ('"lit" <urn:b> <urn:c> .', 1, 1),
        ("<urn:a> _:p <urn:c> .", 1, 9),
        ("<urn:a> <urn:b> <urn:c> <urn:d> <urn:e> .", 1, 33),
        ("<urn:a> <urn:b> <urn:c> . <urn:a> <urn:b> <urn:c> .", 1, 25),
        ("<rel> <urn:b> <urn:c> .", 1, 2),
        ("<urn:a b> <urn:b> <urn:c> .", 1, 1),
        ("<urn:a> <urn:b> <urn:\\u0020> .", 1, 18),
        ('<urn:a> <urn:b> "\\ud800" .', 1, 18),
        ('<urn:a> <urn:b> "\\U00110000" .', 1, 18),
        ('<urn:a> <urn:b> "\\x" .', 1, 17),
        ('<urn:a> <urn:b> "x"@ .', 1, 20),
        ('<urn:a> <urn:b> "x"@en- .', 1, 23),
        ('<urn:a> <urn:b> "x"^^ .', 1, 23),
        (
            '<urn:a> <urn:b> "x"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .',
            1,
            22,
        ),
        ("_:a. <urn:b> <urn:c> .", 1, 4),
        ("_: <urn:b> <urn:c> .", 1, 1),
        ('<urn:a> <urn:b> <urn:c> "g" .', 1, 25),
        ("\n\n# c\n<urn:a> <urn:b> <urn:c> ..", 4, 25),
    ],
)
def test_parse_errors_name_the_place(text: str, line: int, column: int) -> None:
    with pytest.raises(CanonicalizationError) as info:
        parse(text)
    assert f"line {line}, column {column}:" in str(info.value)


def test_parse_error_does_not_echo_content() -> None:
    with pytest.raises(CanonicalizationError) as info:
        parse('<urn:a> <urn:b> "Secret Name" <bad iri> .')
    assert "Secret" not in str(info.value)


def test_parse_limit() -> None:
    text = "<urn:a> <urn:b> <urn:c> .\n" * 5
    assert len(parse(text, max_quads=5)) == 5
    with pytest.raises(CanonicalizationLimitError):
        parse(text, max_quads=4)


# --- round trips -------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_iri = st.builds(
    lambda scheme, rest: f"{scheme}:{rest}",
    st.from_regex(r"[a-z][a-z0-9+.\-]{0,6}", fullmatch=True),
    st.text(
        st.characters(
            exclude_categories=["Cs"],
            exclude_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
            "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
            '\x1f <>"{}|^`\\',
        ),
        max_size=20,
    ),
).map(IRI)
_label = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,8}[A-Za-z0-9_]", fullmatch=True)
_lang = st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True)
_literal = st.one_of(
    st.builds(Literal, _text),
    st.builds(lambda lex, lang: Literal(lex, RDF_LANG_STRING, lang), _text, _lang),
    st.builds(lambda lex, dt: Literal(lex, dt.value), _text, _iri),
)
_node = st.one_of(_iri, _label.map(BlankNode))
_quad = st.builds(Quad, _node, _iri, st.one_of(_node, _literal), st.one_of(st.none(), _node))


@given(lexical=_text)
def test_any_literal_round_trips(lexical: str) -> None:
    line = serialize_quad(Quad(S, P, Literal(lexical)))
    assert line.count("\n") == 1
    assert line.endswith(" .\n")
    assert parse(line) == [Quad(S, P, Literal(lexical))]


@given(quads=st.lists(_quad, max_size=8))
def test_any_dataset_round_trips(quads: list[Quad]) -> None:
    assert parse(serialize(quads)) == quads


@given(data=st.text(max_size=60))
def test_parser_never_crashes(data: str) -> None:
    try:
        result = parse(data)
    except CanonicalizationError:
        return
    # Whatever parses, serializes, and parses back to the same quads.
    assert parse(serialize(result)) == result


def test_module_exports() -> None:
    assert set(nquads.__all__) >= {"parse", "serialize", "serialize_quad"}
