"""A small title index for the understanding tests: the sample catalogue plus films whose
titles are ordinary words ("Up", "Her", "Like Crazy") or constraint words ("Scary Movie")."""

from __future__ import annotations

import pytest

from bot.core.matching import TitleIndex
from bot.core.models import Movie
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES


def _movie(tconst: str, title: str, year: int, genres: str, votes: int) -> Movie:
    return Movie(tconst, title, title, year, 100, tuple(genres.split(",")), 7.0, votes, 0)


EXTRA_MOVIES = [
    _movie("tt0113189", "Ronin", 1998, "Action,Crime,Thriller", 220000),
    _movie("tt0369339", "Collateral", 2004, "Crime,Drama,Thriller", 420000),
    _movie("tt0211915", "Amélie", 2001, "Comedy,Romance", 780000),
    _movie("tt1758692", "Like Crazy", 2011, "Drama,Romance", 90000),
    _movie("tt1798709", "Her", 2013, "Drama,Romance,Sci-Fi", 660000),
    _movie("tt1049413", "Up", 2009, "Animation,Adventure,Comedy", 1100000),
    _movie("tt2112281", "Something in the Air", 2012, "Drama", 6000),
    _movie("tt0175142", "Scary Movie", 2000, "Comedy", 270000),
    _movie("tt0332280", "The Notebook", 2004, "Drama,Romance", 600000),
    _movie("tt1210166", "Moneyball", 2011, "Biography,Drama,Sport", 450000),
    _movie("tt0993846", "The Wolf of Wall Street", 2013, "Biography,Comedy,Crime", 1500000),
    _movie("tt0468569", "The Dark Knight", 2008, "Action,Crime,Drama", 2800000),
    _movie("tt1156398", "Zombieland", 2009, "Adventure,Comedy,Horror", 600000),
    _movie("tt2024544", "12 Years a Slave", 2013, "Biography,Drama,History", 720000),
    _movie("tt1403865", "True Grit", 2010, "Drama,Western", 350000),
    _movie("tt5074352", "Dangal", 2016, "Action,Biography,Drama", 200000),
    _movie("tt6751668", "Parasite", 2019, "Drama,Thriller", 900000),
    _movie("tt1675434", "The Intouchables", 2011, "Biography,Comedy,Drama", 900000),
    _movie("tt0387564", "Saw", 2004, "Horror,Mystery", 430000),
    _movie("tt1588173", "Warm Bodies", 2013, "Comedy,Horror,Romance", 250000),
    _movie("tt2294629", "Frozen", 2013, "Animation,Adventure,Comedy", 650000),
    _movie("tt1386697", "Room", 2015, "Drama,Thriller", 430000),
    _movie("tt0499549", "Avatar", 2009, "Action,Adventure,Fantasy", 1300000),
    _movie("tt0800369", "Thor", 2011, "Action,Adventure,Fantasy", 870000),
    _movie("tt1013753", "Milk", 2008, "Biography,Drama", 180000),
    _movie("tt1895587", "Spotlight", 2015, "Biography,Crime,Drama", 490000),
    _movie("tt0287467", "Talk to Her", 2002, "Drama,Mystery,Romance", 120000),
    _movie("tt1261954", "Take Me Home", 2011, "Comedy,Romance", 1500),
    _movie("tt0817230", "Take Me Home Tonight", 2011, "Comedy,Drama,Romance", 55000),
    _movie("tt13560574", "X", 2022, "Horror,Mystery,Thriller", 140000),
    _movie("tt0476964", "The Brave One", 2007, "Crime,Drama,Thriller", 80000),
    _movie("tt0493464", "Wanted", 2008, "Action,Crime,Fantasy", 400000),
    _movie("tt0212712", "2046", 2004, "Drama,Romance,Sci-Fi", 60000),
    _movie("tt1038988", "[REC]", 2007, "Horror", 220000),
    _movie("tt0416449", "300", 2006, "Action,Drama", 850000),
    _movie("tt1527788", "The Man from Nowhere", 2010, "Action,Crime,Thriller", 75000),
    _movie("tt0435705", "Next", 2007, "Action,Sci-Fi,Thriller", 170000),
    _movie("tt5316540", "Close", 2019, "Action,Thriller", 15000),
    _movie("tt0181311", "Best", 2000, "Biography,Drama,Sport", 2000),
    _movie("tt1294688", "Last Night", 2010, "Drama,Romance", 40000),
    _movie("tt0861739", "Elite Squad", 2007, "Action,Crime,Drama", 110000),
    _movie("tt2544182", "The Enemy Within", 2013, "Drama", 1000),
    _movie("tt1555149", "Elite Squad 2: The Enemy Within", 2010, "Action,Crime,Drama", 90000),
    _movie("tt0327536", "Whatever It Takes", 2000, "Comedy,Romance", 10000),
    _movie("tt0313792", "Anything Else", 2003, "Comedy,Romance", 40000),
    # titles holding cue, asking or movie words, or punctuation that splits a sentence
    _movie("tt0286499", "Bend It Like Beckham", 2002, "Comedy,Drama,Romance", 130000),
    _movie("tt0417001", "Must Love Dogs", 2005, "Comedy,Romance", 40000),
    _movie("tt0314166", "Hey Arnold! The Movie", 2002, "Adventure,Animation,Comedy", 10000),
    _movie("tt0452643", "Love and Other Disasters", 2006, "Comedy,Romance", 8000),
    _movie("tt0403358", "Night Watch", 2004, "Action,Fantasy,Horror", 70000),
    _movie("tt0374546", "Spring, Summer, Fall, Winter... and Spring", 2003, "Drama", 80000),
    _movie("tt0481369", "The Number 23", 2007, "Mystery,Thriller", 220000),
    # titles opened by function words
    _movie("tt2194499", "About Time", 2013, "Comedy,Drama,Fantasy", 370000),
    _movie("tt2884206", "I Origins", 2014, "Drama,Romance,Sci-Fi", 140000),
    _movie("tt0780536", "In Bruges", 2008, "Comedy,Crime,Drama", 460000),
    _movie("tt1441395", "Under the Skin", 2013, "Drama,Horror,Sci-Fi", 150000),
    # titles that are constraint words: widely seen ("Epic", "Old", "War") or not ("Short")
    _movie("tt0848537", "Epic", 2013, "Action,Adventure,Animation", 110000),
    _movie("tt10954652", "Old", 2021, "Drama,Horror,Mystery", 130000),
    _movie("tt0499556", "War", 2007, "Action,Crime,Thriller", 94000),
    _movie("tt9000101", "Short", 2015, "Drama", 900),
]


@pytest.fixture(scope="session")
def index() -> TitleIndex:
    return TitleIndex.build([*SAMPLE_MOVIES, *EXTRA_MOVIES], SAMPLE_AKAS)


@pytest.fixture(scope="session")
def phrase_titles() -> TitleIndex:
    """The index with films named like the ways of saying "you pick"."""
    named = [
        ("tt9000001", "Surprise Me!"),
        ("tt9000002", "Anything"),
        ("tt9000003", "Whatever"),
        ("tt9000004", "Dealer's Choice"),
        ("tt9000005", "Random"),
        ("tt9000006", "Whatever You Like"),
        ("tt9000007", "Random Movie"),
        ("tt9000008", "I Don't Care, Pick Something"),
    ]
    extra = [_movie(tconst, title, 2015, "Comedy", 5000) for tconst, title in named]
    return TitleIndex.build([*SAMPLE_MOVIES, *EXTRA_MOVIES, *extra], SAMPLE_AKAS)
