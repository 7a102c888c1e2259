"""What people write in Slack when they ask for something the bot must honour, for the
honouring part of `python -m bot evaluate` (`bot.tools.honour_eval`): a seed with one or two
constraints (before or after the title), several seeds, no seed at all, and a turn followed by a
follow-up in the same thread. Slots: {t}, {t2}, {t3} titles; {c}, {c2} constraint phrasings.

Each comes in two halves: DEV (looked at) and HELD_OUT (other shapes and phrasings, only
reported). A phrasing carries what it means (`Phrase.specs`), which the picks are checked
against on the catalogue's own fields.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.popularity import LESSER_KNOWN, POPULAR
from bot.core.request import FollowUpAction
from bot.tools.sentence_shapes import Phrase, Spec

PhraseMaker = Callable[[random.Random], Phrase]

# Places are honoured only where the catalogue knows them (the akas); reported apart.
PLACE_FIELDS = frozenset({"language", "country"})


def _fixed(text: str, *specs: Spec) -> PhraseMaker:
    return lambda _r: Phrase(text, specs)


def _choice(template: str, spec: Callable[[float], Spec], values: tuple[float, ...]) -> PhraseMaker:
    def make(rng: random.Random) -> Phrase:
        value = rng.choice(values)
        shown = int(value) if float(value).is_integer() else value
        return Phrase(template.format(v=shown), (spec(shown),))

    return make


# --- a seed and constraints -------------------------------------------------------------------
DEV_CONSTRAINED_SHAPES = (
    "something like {t} but {c}",
    "{c} movies like {t}",
    "like {t} but {c} and {c2}",
    "{c}, {c2} stuff like {t} pls",
    "loved {t}!! anything {c}?",
    "{t} but {c} 🙏",
    "movies like {t} that are {c}",
    "need a {c} one similar to {t}",
)
HELD_OUT_CONSTRAINED_SHAPES = (
    "any {c} films close to {t}? ideally {c2}",
    "i liked {t}, need something {c} this time",
    "{c} and {c2} like {t} :pray:",
    "gimme {c} stuff in the vein of {t}",
    "something in the spirit of {t} - {c}, {c2}",
    "what's {c} and like {t}",
    "{t} vibes but {c} plz",
)

# Phrasings with their meaning. Years stay inside 2000-2022 often enough that the extract the
# evaluation runs on can honour them; a request nothing in the catalogue fits is left out.
DEV_PHRASES: tuple[PhraseMaker, ...] = (
    _fixed("from the 2000s", ("year", "between", (2000, 2009))),
    _fixed("2010s", ("year", "between", (2010, 2019))),
    _choice("after {v}", lambda v: ("year", ">", v), (2005, 2010, 2015)),
    _choice("before {v}", lambda v: ("year", "<", v), (2008, 2012, 2016)),
    _fixed("funny", ("genres", "in", ("Comedy",))),
    _fixed("scary", ("genres", "in", ("Horror",))),
    _fixed("animated", ("genres", "in", ("Animation",))),
    _fixed("romantic", ("genres", "in", ("Romance",))),
    _fixed("no horror", ("genres", "not in", ("Horror",))),
    _fixed("not animated", ("genres", "not in", ("Animation",))),
    _choice("under {v} minutes", lambda v: ("runtime", "<=", v), (90, 100, 110)),
    _fixed("under 2 hours", ("runtime", "<=", 120)),
    _choice("rated at least {v}", lambda v: ("rating", ">=", v), (7.0, 7.5)),
    _fixed("highly rated", ("rating", ">=", 7.5)),
    _fixed("popular", ("votes", ">=", POPULAR)),
    _fixed("lesser known", ("votes", "<=", LESSER_KNOWN)),
    _fixed("newer", ("year", "after_seed", None)),
    _fixed("shorter", ("runtime", "shorter_than_seed", None)),
    _fixed("in French", ("language", "==", "fr")),
    _fixed("korean", ("country", "==", "KR")),
    _fixed("in english", ("language", "==", "en")),
)
HELD_OUT_PHRASES: tuple[PhraseMaker, ...] = (
    _fixed("in the 2010s", ("year", "between", (2010, 2019))),
    _choice("made after {v}", lambda v: ("year", ">", v), (2006, 2012)),
    _choice("since {v}", lambda v: ("year", ">=", v), (2008, 2014)),
    _fixed("hilarious", ("genres", "in", ("Comedy",))),
    _fixed("creepy", ("genres", "in", ("Horror",))),
    _fixed("a thriller", ("genres", "in", ("Thriller",))),
    _fixed("nothing scary", ("genres", "not in", ("Horror",))),
    _fixed("without romance", ("genres", "not in", ("Romance",))),
    _choice("less than {v} mins", lambda v: ("runtime", "<=", v), (95, 105)),
    _fixed("over 2 hours", ("runtime", ">=", 120)),
    _choice("{v}+ on imdb", lambda v: ("rating", ">=", v), (7, 8)),
    _fixed("well known", ("votes", ">=", POPULAR)),
    _fixed("critically acclaimed", ("rating", ">=", 7.5)),
    _fixed("more recent", ("year", "after_seed", None)),
    _fixed("a bit longer", ("runtime", "longer_than_seed", None)),
    _fixed("in spanish", ("language", "==", "es")),
    _fixed("american", ("country", "==", "US")),
)

# --- several seeds ----------------------------------------------------------------------------
DEV_MULTI_SHAPES = (
    "like {t} and {t2}",
    "a mix of {t} and {t2}",
    "{t}, {t2}, {t3}",
    "loved {t} + {t2}, what next?",
)
HELD_OUT_MULTI_SHAPES = (
    "somewhere between {t} and {t2}",
    "{t} meets {t2}",
    "fans of {t}, {t2} & {t3} here, ideas?",
)

# --- no seed ----------------------------------------------------------------------------------
DEV_NO_SEED_SHAPES = (
    "a good {c} movie",
    "something {c} and {c2}",
    "any {c} films?",
    "recommend me something {c} pls",
    "surprise me",
)
HELD_OUT_NO_SEED_SHAPES = (
    "what's a solid {c} flick",
    "need a {c} one for movie night 🍿",
    "surprise me with something {c}",
    "got anything {c} but {c2}?",
    "dealer's choice",
)

# --- a turn, then a follow-up in the same thread ----------------------------------------------
DEV_FIRST_TURNS = ("movies like {t}", "something like {t} but {c}", "i loved {t}, what else?")
HELD_OUT_FIRST_TURNS = ("{t} pls", "anything similar to {t}, {c}", "big fan of {t}. ideas?")


@dataclass(frozen=True)
class FollowUpCase:
    text: str
    action: FollowUpAction
    specs: tuple[Spec, ...] = ()  # what a "refine" adds to the first turn's constraints
    pick: int = 1  # the last answer's pick it points at (1-based), for like / not that one


DEV_FOLLOW_UPS = (
    FollowUpCase("older ones?", "refine", (("year", "before_seed", None),)),
    FollowUpCase("funnier", "refine", (("genres", "in", ("Comedy",)),)),
    FollowUpCase("no horror", "refine", (("genres", "not in", ("Horror",)),)),
    FollowUpCase("shorter ones", "refine", (("runtime", "shorter_than_seed", None),)),
    FollowUpCase("more", "more"),
    FollowUpCase("show me more", "more"),
    FollowUpCase("not that one", "exclude_pick"),
    FollowUpCase("like the second one", "like_pick", pick=2),
)
HELD_OUT_FOLLOW_UPS = (
    FollowUpCase("newer?", "refine", (("year", "after_seed", None),)),
    FollowUpCase("something scarier", "refine", (("genres", "in", ("Horror",)),)),
    FollowUpCase("nothing animated", "refine", (("genres", "not in", ("Animation",)),)),
    FollowUpCase("ok but no romance", "refine", (("genres", "not in", ("Romance",)),)),
    FollowUpCase("more please", "more"),
    FollowUpCase("another", "more"),
    FollowUpCase("seen that one already", "exclude_pick"),
    FollowUpCase("more like the first one", "like_pick", pick=1),
    FollowUpCase("the third one", "like_pick", pick=3),
)
