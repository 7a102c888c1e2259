"""What people write in Slack around a movie, for the conversational evaluation: sentence
shapes with slots ({t}, {t2}, {t3}: titles; {c}: a constraint), constraint phrasings with what
they mean, nonsense, small talk and follow-ups. Each comes in two halves: DEV (tuned on) and
HELD_OUT (only reported; other shapes and phrasings, so tuning cannot fit them)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.popularity import LESSER_KNOWN, POPULAR
from bot.core.request import Field, Op, Value

Spec = tuple[Field, Op, Value]


@dataclass(frozen=True)
class Phrase:
    text: str
    specs: tuple[Spec, ...]


PhraseMaker = Callable[[random.Random, int], Phrase]  # (rng, this year) -> phrase


def _p(text: str, *specs: Spec) -> Phrase:
    return Phrase(text, specs)


# --- one seed ---------------------------------------------------------------------------------
DEV_SEED_SHAPES = (
    "I loved {t}, what else?",
    "movies like {t}",
    "any recs similar to {t}?",
    "just watched {t} and loved it. what should I watch next?",
    "{t} was amazing, got anything similar",
    "can you recommend something like {t} please",
    "what should i watch after {t}",
    "hey bot, {t} vibes please :popcorn:",
    "need something similar to {t}",
    "<@U0BOT1> movies like {t}",
    "i'm in the mood for something like {t}",
    "{t}",
    "recommend me a film like {t}",
    "if I liked {t} what would I enjoy?",
    "anything like {t}??",
    "we just finished {t}. more like that pls",
    "seen {t}, want more like it",
    "films similar to {t} please 🙏",
    "suggest movies like '{t}'",
    "my wife loves {t}, any ideas for tonight?",
    "watching {t} rn, what should i queue up next",
    "honestly {t} is one of the best films ever made. anything close?",
    "my roommate keeps talking about {t}, got similar picks?",
    "recs pls: stuff like {t}",
    "ok {t} was incredible 😍 need more",
    "Can you find me movies like {t}? Thanks!",
    "date night tomorrow, we both love {t}, suggestions?",
    "{t} is my comfort movie, what else would work",
    "any1 know films similar to {t}",
    "after finishing {t} i need something in the same spirit",
    "rewatched {t} yesterday, what's next?",
    "tbh {t} blew my mind, recommend something like it",
)
HELD_OUT_SEED_SHAPES = (
    "My favourite film is {t}, recommend me something",
    "Any suggestions for films in the same vein as {t}?",
    "{t}!! more like that",
    "been rewatching {t} lately, what's similar?",
    "we watched {t} last night and the kids loved it, anything else like it",
    "thinking of rewatching {t}... what else would I like?",
    "hmm what's good if you enjoyed {t}",
    "*{t}* — what else?",
    "<@U0BOT1> {t} pls",
    "looking for stuff like {t}",
    "what would you suggest to someone who liked {t}",
    "I'm a big fan of {t}. Suggestions?",
    "similar to {t}",
    "gimme something like {t} :pray:",
    "what's like {t}",
    "in the mood for {t} type movies",
    "ok so {t} is my all time favorite, what next",
    "Do you know any movies like {t}?",
    "friends recommended {t}, what else is in that vein",
    "more movies like _{t}_",
)

# --- one seed and a constraint ----------------------------------------------------------------
DEV_CONSTRAINED_SHAPES = (
    "something like {t} but {c}",
    "{c} movies like {t}",
    "looking for a {c} film like {t}",
    "like {t} but {c}",
    "I loved {t}, anything {c}?",
    "more like {t}, {c} please",
    "movies similar to {t} {c}",
    "{c} stuff like {t}",
)
HELD_OUT_CONSTRAINED_SHAPES = (
    "give me {c} stuff similar to {t}",
    "recommend {c} films in the vein of {t}",
    "{t} but {c}?",
    "Something in the spirit of {t}, {c}",
    "any {c} movies close to {t}",
    "loved {t} — want something {c}",
    "what's {c} and like {t}",
    "i liked {t}, need something {c} this time",
)

# --- several seeds ----------------------------------------------------------------------------
DEV_MULTI_SHAPES = (
    "like {t} and {t2}",
    "a mix of {t} and {t2}",
    "{t}, {t2}, {t3}",
    "movies like {t} or {t2}",
    "I loved {t} and {t2}, what else?",
    "something between {t} and {t2}",
    "{t} x {t2}",
    "{t} crossed with {t2}",
    "{t}/{t2}",
    "what do {t} and {t2} have in common? more of that",
    "we both liked {t}, {t2} and {t3}",
    "{t} or maybe {t2}",
)
HELD_OUT_MULTI_SHAPES = (
    "{t} + {t2}",
    "somewhere between {t} and {t2}?",
    "fans of {t}, {t2} and {t3}, what should we watch",
    "loved both {t} and {t2}",
    "{t} meets {t2}",
    "cross between {t} & {t2} please",
)

# --- constraints alone ------------------------------------------------------------------------
DEV_CONSTRAINT_ONLY_SHAPES = (
    "a {c} movie",
    "any good {c} films?",
    "something {c}",
    "recommend me something {c}",
    "{c} please",
)
HELD_OUT_CONSTRAINT_ONLY_SHAPES = (
    "i want to watch something {c} tonight",
    "what's a good {c} one",
    "{c}?",
    "got any {c} recommendations",
    "Looking for {c} films",
)


def _year(rng: random.Random) -> int:
    return rng.randint(2003, 2019)


DEV_PHRASES: tuple[PhraseMaker, ...] = (
    lambda r, y: _p("from the 2000s", ("year", "between", (2000, 2009))),
    lambda r, y: _p("2010s", ("year", "between", (2010, 2019))),
    lambda r, y: (lambda v: _p(f"after {v}", ("year", ">", v)))(_year(r)),
    lambda r, y: (lambda v: _p(f"before {v}", ("year", "<", v)))(_year(r)),
    lambda r, y: _p("funnier", ("genres", "in", ("Comedy",))),
    lambda r, y: _p("funny", ("genres", "in", ("Comedy",))),
    lambda r, y: _p("scary", ("genres", "in", ("Horror",))),
    lambda r, y: _p("animated", ("genres", "in", ("Animation",))),
    lambda r, y: _p("romantic", ("genres", "in", ("Romance",))),
    lambda r, y: _p("sci-fi", ("genres", "in", ("Sci-Fi",))),
    lambda r, y: _p("no horror", ("genres", "not in", ("Horror",))),
    lambda r, y: _p("not animated", ("genres", "not in", ("Animation",))),
    lambda r, y: (lambda v: _p(f"under {v} minutes", ("runtime", "<=", v)))(
        r.choice((90, 100, 110))
    ),
    lambda r, y: _p("under 2 hours", ("runtime", "<=", 120)),
    lambda r, y: _p("short", ("runtime", "<=", 100)),
    lambda r, y: _p("shorter", ("runtime", "shorter_than_seed", None)),
    lambda r, y: (lambda v: _p(f"rated at least {v}", ("rating", ">=", v)))(
        r.choice((7.0, 7.5, 8.0))
    ),
    lambda r, y: _p("highly rated", ("rating", ">=", 7.5)),
    lambda r, y: _p("lesser known", ("votes", "<=", LESSER_KNOWN)),
    lambda r, y: _p("popular", ("votes", ">=", POPULAR)),
    lambda r, y: _p("in French", ("language", "==", "fr")),
    lambda r, y: _p("korean", ("country", "==", "KR")),
    lambda r, y: _p("newer", ("year", "after_seed", None)),
    lambda r, y: _p("older", ("year", "before_seed", None)),
    lambda r, y: _p("recent", ("year", ">=", y - 5)),
    lambda r, y: _p("documentary", ("genres", "in", ("Documentary",))),
)  # fmt: skip
HELD_OUT_PHRASES: tuple[PhraseMaker, ...] = (
    lambda r, y: _p("from the 90s", ("year", "between", (1990, 1999))),
    lambda r, y: _p("in the 2010s", ("year", "between", (2010, 2019))),
    lambda r, y: (lambda v: _p(f"made after {v}", ("year", ">", v)))(_year(r)),
    lambda r, y: (lambda v: _p(f"pre-{v}", ("year", "<", v)))(_year(r)),
    lambda r, y: (lambda v: _p(f"since {v}", ("year", ">=", v)))(_year(r)),
    lambda r, y: _p("hilarious", ("genres", "in", ("Comedy",))),
    lambda r, y: _p("creepy", ("genres", "in", ("Horror",))),
    lambda r, y: _p("cartoon", ("genres", "in", ("Animation",))),
    lambda r, y: _p("thriller", ("genres", "in", ("Thriller",))),
    lambda r, y: _p("without romance", ("genres", "not in", ("Romance",))),
    lambda r, y: _p("nothing scary", ("genres", "not in", ("Horror",))),
    lambda r, y: (lambda v: _p(f"less than {v} mins", ("runtime", "<=", v)))(
        r.choice((85, 95, 105))
    ),
    lambda r, y: _p("at most an hour and a half", ("runtime", "<=", 90)),
    lambda r, y: _p("quick", ("runtime", "<=", 100)),
    lambda r, y: _p("over 2 hours", ("runtime", ">=", 120)),
    lambda r, y: (lambda v: _p(f"{v}+ on imdb", ("rating", ">=", v)))(r.choice((7, 8))),
    lambda r, y: (lambda v: _p(f"rating above {v}", ("rating", ">", v)))(r.choice((6.5, 7.0, 7.5))),
    lambda r, y: _p("well known", ("votes", ">=", POPULAR)),
    lambda r, y: _p("obscure", ("votes", "<=", LESSER_KNOWN)),
    lambda r, y: _p("hidden gem", ("rating", ">=", 7.0), ("votes", "<=", LESSER_KNOWN)),
    lambda r, y: _p("in spanish", ("language", "==", "es")),
    lambda r, y: _p("Japanese", ("country", "==", "JP")),
    lambda r, y: _p("Bollywood", ("country", "==", "IN")),
    lambda r, y: _p("more recent", ("year", "after_seed", None)),
    lambda r, y: _p("a bit longer", ("runtime", "longer_than_seed", None)),
    lambda r, y: _p("critically acclaimed", ("rating", ">=", 7.5)),
)  # fmt: skip

# --- no title, no constraint: must be declined ------------------------------------------------
DEV_OFF_TOPIC = (
    "can you book a meeting room",
    "what time is the standup tomorrow",
    "the build is broken again",
    "lunch?",
    "who moved my charger",
    "please review my pull request",
    "is the wifi down for anyone else",
    "brb coffee",
    "asdfghjkl",
    "lol",
    "ok so basically the deploy failed twice",
    "where is the nearest pharmacy",
    "anyone up for drinks after work?",
    "the coffee machine is broken",
    "can we move the sync to 3pm",
    "great job on the demo today team",
    "I'm working from home tomorrow",
    "who's bringing cake on friday",
    "my train is delayed again, running late",
    "does anyone have a spare phone charger",
    "the heating in the office is way too high",
    "quick question about the budget report",
    "congrats on the new baby!",
    "is the parking lot full already",
    "please update the wiki page when you can",
    "out sick today, will check messages later",
    "the client call got cancelled",
    "happy friday everyone",
    "zzzz so tired",
    "xD",
    "anyone know a good plumber",
    "our flight leaves at six in the morning",
)
HELD_OUT_OFF_TOPIC = (
    "did anyone see my keys",
    "the printer on floor two is jammed",
    "what's the weather tomorrow",
    "reminder: timesheets due friday",
    "can someone restart the staging server",
    "happy birthday sarah!",
    "who wants pizza",
    "my laptop fan is so loud",
    "qwertyuiop",
    "hmm",
    "how do I reset my password",
    "the elevator is out of order again",
)
# Shapes around a made-up word: a request that names no real title.
DEV_MADE_UP_SHAPES = ("movies like {x}", "I loved {x}, what else?", "{x}", "something like {x}")
HELD_OUT_MADE_UP_SHAPES = ("anything similar to {x}?", "{x} pls", "been watching {x}", "{x} {x2}")

# --- small talk and follow-ups -----------------------------------------------------------------
DEV_SMALL_TALK = (
    ("hi", "greeting"), ("hello!", "greeting"), ("hey there", "greeting"),
    ("thanks!", "thanks"), ("thank you so much", "thanks"), ("thx", "thanks"),
    ("what can you do?", "help"), ("help", "help"), ("how does this work?", "help"),
)  # fmt: skip
HELD_OUT_SMALL_TALK = (
    ("yo", "greeting"), ("good morning", "greeting"), ("hiya :wave:", "greeting"),
    ("cheers", "thanks"), ("ty!", "thanks"), ("thanks a lot", "thanks"),
    ("who are you?", "help"), ("how do I use this", "help"), ("commands", "help"),
)  # fmt: skip
DEV_FOLLOW_UPS = (
    ("older ones?", "refine"), ("funnier", "refine"), ("no horror", "refine"),
    ("more", "more"), ("not that one", "exclude_pick"), ("like the second one", "like_pick"),
    ("show me more", "more"), ("shorter ones", "refine"), ("the third one", "like_pick"),
)  # fmt: skip
HELD_OUT_FOLLOW_UPS = (
    ("newer?", "refine"), ("scarier", "refine"), ("nothing animated", "refine"),
    ("more please", "more"), ("seen that one already", "exclude_pick"),
    ("more like the first one", "like_pick"), ("another", "more"),
    ("something shorter", "refine"), ("what about french ones", "refine"),
)  # fmt: skip
