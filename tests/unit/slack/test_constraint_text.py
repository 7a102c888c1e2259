"""A condition said back in a few words: from its value where that reads better than the words
typed, else the words."""

from __future__ import annotations

import pytest

from bot.core.request import Constraint
from bot.slack.constraint_text import constraint_label


@pytest.mark.parametrize(
    ("constraint", "label"),
    [
        (Constraint("year", "between", (1990, 1999), "from the 90s"), "1990s"),
        (Constraint("year", "between", (1995, 2005), "1995 to 2005"), "1995\u20132005"),
        (Constraint("year", ">", 2010, "after 2010"), "after 2010"),
        (Constraint("year", "<", 2000, "before 2000"), "before 2000"),
        (Constraint("year", "after_seed", None, "newer"), "newer"),
        (Constraint("runtime", "shorter_than_seed", None, "shorter"), "shorter"),
        (Constraint("genres", "in", ("Comedy",), "funnier"), "comedy"),
        (
            Constraint("genres", "not in", ("Horror", "Thriller"), "no horror"),
            "no horror or thriller",
        ),
        (Constraint("runtime", "<=", 100, "under 100 minutes"), "under 100 min"),
        (Constraint("rating", ">=", 7.5, "rated at least 7.5"), "rated 7.5+"),
        (Constraint("votes", "<=", 20000, "lesser known"), "lesser known"),
        (Constraint("votes", ">=", 100000, "popular"), "popular"),
        (Constraint("language", "==", "fr", "in French"), "in French"),
        (Constraint("country", "in", ("IN",), "Bollywood"), "Bollywood"),
        (Constraint("title", "!=", "tt0113277", "Heat"), "not Heat"),
    ],
)
def test_labels(constraint: Constraint, label: str) -> None:
    assert constraint_label(constraint) == label
