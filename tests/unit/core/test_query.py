import pytest

from bot.core.query import parse_query


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("movies like alien", "alien"),
        ("something similar to Heat?", "Heat"),
        ("<@U123ABC> films like <http://example.com/x|Inception>", "Inception"),
        ('can you recommend me movies like "heat" please', "heat"),
        ("anything like The Big Lebowski", "The Big Lebowski"),
        ("alien", "alien"),
        ("Like Crazy", "Like Crazy"),
    ],
)
def test_lead_ins_markup_and_links_are_stripped(raw: str, text: str) -> None:
    assert parse_query(raw).text == text


def test_imdb_ids_and_urls_are_exact_references() -> None:
    assert parse_query("tt0078748").tconst == "tt0078748"
    assert parse_query("https://www.imdb.com/title/tt0133093/").tconst == "tt0133093"
    assert parse_query("<https://www.imdb.com/title/tt0133093/|The Matrix>").tconst == "tt0133093"
    assert parse_query("just a title").tconst is None


@pytest.mark.parametrize(
    ("raw", "text", "year"),
    [
        ("dune 1984", "dune", 1984),
        ("It (2017)", "It", 2017),
        ("Matrix, The (1999)", "Matrix, The", 1999),
        ("2012", "2012", None),
        ("Blade Runner 2049", "Blade Runner 2049", None),
    ],
)
def test_a_trailing_year_is_a_hint(raw: str, text: str, year: int | None) -> None:
    query = parse_query(raw)
    assert (query.text, query.year) == (text, year)


def test_variants_cover_parenthesised_alternates_and_a_title_number() -> None:
    texts = [t for t, _ in parse_query("Seven Samurai (Shichinin no samurai) (1954)").variants()]
    assert "Seven Samurai" in texts and "Shichinin no samurai" in texts
    assert ("Wonder Woman 1984", None) in parse_query("Wonder Woman 1984").variants()


def test_a_letter_in_brackets_is_not_an_alternate_title() -> None:
    texts = [t for t, _ in parse_query("Frontière(s) (2007)").variants()]
    assert "s" not in texts and "Frontière(s)" in texts
