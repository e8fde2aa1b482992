"""The document model: number formats per language, validation, citations and numbering."""

from __future__ import annotations

import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report.document import (
    BulletList,
    Document,
    Figure,
    Formula,
    Heading,
    Paragraph,
    Reference,
    Table,
    Tile,
    format_value,
    numbered,
    split_emphasis,
)


@pytest.mark.parametrize(
    ("value", "spec", "lang", "expected"),
    [
        (1234567.891, "int", "zh", "1,234,568"),
        (1234567.891, "dec:1", "en", "1,234,567.9"),
        (-0.5, "dec:2", "en", "-0.50"),
        (0.1234, "pct:0", "zh", "12%"),
        (0.1234, "pct:2", "en", "12.34%"),
        (56789, "compact:1", "zh", "5.7万"),
        (56789, "compact:1", "en", "56.8K"),
        (3, "text", "en", "3"),
        ("锂电池", "dec:2", "zh", "锂电池"),
        (None, "pct:1", "zh", "—"),
        (float("nan"), "dec:2", "en", "—"),
    ],
)
def test_format_value_per_language(value: object, spec: str, lang: str, expected: str) -> None:
    assert format_value(value, spec, lang=lang) == expected


def test_format_value_rejects_unknown_spec_and_language() -> None:
    with pytest.raises(InvalidParameterError, match="'spec' parameter of format_value .* Got 'dec2' instead"):
        format_value(1.0, "dec2")
    with pytest.raises(InvalidParameterError, match="'lang' parameter of locale_of must be one of"):
        format_value(1.0, "dec:1", lang="fr")


def test_table_formats_cells_and_marks_numeric_columns() -> None:
    table = Table("t", ("name", "n", "share"), [["a", 1200, 0.5], ["b", None, 0.25]], ("text", "int", "pct:0"))
    assert table.cells("en") == [["a", "1,200", "50%"], ["b", "—", "25%"]]
    assert table.numeric() == (False, True, True)
    assert Table("t", ("a", "b"), [(1, 2)]).formats == ("text", "text")


def test_table_rejects_ragged_rows_and_bad_formats() -> None:
    with pytest.raises(InvalidParameterError, match="row 2 has 1 cells; expected 2"):
        Table("t", ("a", "b"), [(1, 2), (3,)])
    with pytest.raises(InvalidParameterError, match="has 2 columns but 1 formats"):
        Table("t", ("a", "b"), [(1, 2)], ("int",))
    with pytest.raises(InvalidParameterError, match="'spec' parameter"):
        Table("t", ("a",), [(1,)], ("percent",))


def test_blocks_validate_their_options() -> None:
    with pytest.raises(InvalidParameterError, match="'level' parameter of Heading must be an int in \\[1, 3\\]"):
        Heading(4, "x")
    with pytest.raises(InvalidParameterError, match="'style' parameter of Paragraph"):
        Paragraph("x", style="shout")
    with pytest.raises(InvalidParameterError, match="'status' parameter of Tile"):
        Tile("x", 1, status="green")
    with pytest.raises(InvalidParameterError, match="'width' parameter of Figure"):
        Figure("c", "<svg/>", b"", width=1.5)
    with pytest.raises(InvalidParameterError, match="'lang' parameter of Document"):
        Document("t", "de", ())


def test_tile_text_adds_the_unit_but_not_to_a_dash() -> None:
    assert Tile("output", 1234.5, "dec:1", unit="亿元").text("zh") == "1,234.5 亿元"
    assert Tile("output", None, "dec:1", unit="亿元").text("zh") == "—"


def test_document_numbers_references_by_first_citation() -> None:
    refs = (Reference("a", "A"), Reference("b", "B"), Reference("c", "C"))
    doc = Document(
        "t",
        "en",
        (
            Paragraph("x", refs=("b",)),
            BulletList(("plain", Paragraph("y", refs=("c", "b")))),
            Table("t", ("a",), [(1,)], refs=("a",)),
        ),
        references=refs,
    )
    assert doc.cited() == ["b", "c", "b", "a"]
    assert doc.reference_numbers() == {"b": 1, "c": 2, "a": 3}
    assert [(n, r.id) for n, r in doc.ordered_references()] == [(1, "b"), (2, "c"), (3, "a")]
    assert doc.blocks[1].items[0] == Paragraph("plain")


def test_document_rejects_unknown_and_duplicate_references() -> None:
    with pytest.raises(InvalidParameterError, match="cites unknown reference ids: nope"):
        Document("t", "en", (Paragraph("x", refs=("nope",)),))
    with pytest.raises(InvalidParameterError, match="duplicate reference ids"):
        Document("t", "en", (), references=(Reference("a", "A"), Reference("a", "B")))


def test_numbered_counts_tables_figures_and_formulas_separately() -> None:
    table = Table("t", ("a",), [(1,)])
    figure = Figure("f", "<svg/>", b"png")
    doc = Document("t", "zh", (table, figure, Formula("x"), table, Heading(1, "h"), figure))
    assert [n for _, n in numbered(doc)] == [1, 1, 1, 2, None, 2]


def test_split_emphasis_handles_edges() -> None:
    assert split_emphasis("**2.31** high") == [("2.31", True), (" high", False)]
    assert split_emphasis("plain") == [("plain", False)]


def test_reference_from_evidence_in_chinese() -> None:
    evidence = {"metric": "share", "value": 0.25, "benchmark": 0.1, "source": "stats", "year": 2023, "unit": ""}
    assert (
        Reference.from_evidence("e", evidence, lang="zh", spec="pct:0").text
        == "share = 25%（基准 10%）；来源：stats, 2023"
    )
