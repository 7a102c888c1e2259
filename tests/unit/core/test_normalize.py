import pytest

from bot.core.normalize import normalize, numbers, typed_readings


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Matrix, The", "The Matrix"),
        ("Misérables, Les", "Les Misérables"),
        ("Amélie", "amelie"),
        ("Rocky II", "rocky 2"),
        ("The Godfather Part II", "godfather part two"),
        ("Fast & Furious", "fast and furious"),
        ("Schindler's List", "schindlers list"),
        ("Kill Bill: Vol. 1", "kill bill volume one"),
        ("Star Wars: Episode IV - A New Hope", "star wars episode 4 a new hope"),
        ("Straße", "strasse"),
    ],
)
def test_catalogue_and_query_meet_in_one_form(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Rocky", "Rocky II"), ("Alien", "Aliens"), ("Dune", "Dune 2"), ("It", "Up")],
)
def test_different_titles_stay_different(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


def test_a_lone_article_or_number_word_is_kept() -> None:
    assert normalize("The") == "the"
    assert normalize("One Day") == "one day"
    assert normalize("It") == "it"


def test_numbers_are_read_from_the_key() -> None:
    assert numbers(normalize("Terminator 2: Judgment Day")) == {"2"}
    assert numbers(normalize("Heat")) == frozenset()


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("Woods, hze", ("woods", True)),
        ("Tme Martian", ("martian", True)),
        ("Thle Shallows", ("shallows", True)),
        ("Ocean's Tkelve", ("oceans 12", False)),
        ("Oceans Thirtgen", ("oceans 13", False)),
        ("Gone Baby one", ("gone baby one", False)),
    ],
)
def test_typed_readings_undo_slips_the_normal_form_would_hide(
    typed: str, reading: tuple[str, bool]
) -> None:
    assert reading in typed_readings(typed)
    assert reading[0] != normalize(typed)


@pytest.mark.parametrize(
    "typed", ["Toy Story", "Matrix, The", "The Matrix", "Rocky II", "Heat", "Fright Night"]
)
def test_a_title_typed_as_meant_has_no_other_reading(typed: str) -> None:
    assert typed_readings(typed) == []
