"""What a message is when it is not (only) a request for movies: small talk (a greeting,
thanks, a question about the bot), "surprise me", or a follow-up to the thread's last answer
("more", "not that one", "like the second one", "older ones?")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.request import Constraint, Field, FollowUp, Intent
from bot.core.tokens import Token
from bot.core.vocabulary import GREETINGS, HELP, ORDINALS, SOFT, THANKS

# --- small talk -------------------------------------------------------------------------------
_THANKS_RE = re.compile(r"\b(?:thanks?|thx|ty|tyvm|thanx|cheers|appreciated?|gracias|merci)\b")
_HELP_RE = re.compile(
    r"^(?:help|\?|how\s+(?:does\s+this|do\s+(?:i|you))\s+(?:work|use)|what\s+(?:can|do)\s+you\s+do"
    r"|what\s+are\s+you|who\s+are\s+you|how\s+do\s+i\s+use\s+(?:this|you|it)|commands|usage)\b"
)
SURPRISE = re.compile(
    # "anything similar to X" asks for X's like, even when X is no film we know
    r"\b(?:surprise\s+me|anything(?!\s+(?:like|similar|close|resembling)\b)|whatever"
    r"|random(?:ly)?|dealer'?s\s+choice|you\s+(?:pick|choose|decide)|up\s+to\s+you"
    r"|i\s+don'?t\s+(?:care|mind)|any\s+(?:movie|film)|something\s+good)\b"
)


def _joined(words: Sequence[Token]) -> str:
    return " ".join(w.word for w in words)


def small_talk(words: Sequence[Token]) -> Intent | None:
    """Greeting, thanks or a question about the bot, when that is all the message is."""
    if not words:
        return "greeting"
    text = _joined(words)
    parts = [p for w in words for p in w.parts]
    if _HELP_RE.search(text) and all(p in HELP or p in SOFT or p in GREETINGS for p in parts):
        return "help"
    if _THANKS_RE.search(text) and all(p in THANKS or p in SOFT or p in GREETINGS for p in parts):
        return "thanks"
    if all(p in GREETINGS or p in {"there", "all", "everyone", "bot", "moviebot"} for p in parts):
        return "greeting"
    return None


# --- follow-ups -------------------------------------------------------------------------------
_MORE = re.compile(
    r"^(?:(?:ok|okay|cool|nice|great|hmm)\s+)?(?:show\s+(?:me\s+)?|give\s+(?:me\s+)?|any\s+|some\s+)?"
    r"(?:more|another(?:\s+one)?|others|other\s+ones|next|keep\s+going|again|different\s+ones)"
    r"(?:\s+(?:please|pls|like\s+(?:that|those|these|this|them)|of\s+(?:those|these|them|that)"
    r"|ones|options|picks|suggestions))*$"
)
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_PICK = (
    rf"(?:the\s+)?(?:(?P<ord>{_ORDINAL})(?:\s+(?:one|pick|movie|film|suggestion))?"
    r"|(?:number\s+|no\s+)?(?P<num>\d{1,2}))"
)
_LIKE_PICK = (
    re.compile(
        r"^(?:(?:more|something|anything|movies|films|ones)\s+)?(?:like|similar\s+to|close\s+to)"
        rf"\s+{_PICK}$"
    ),
    re.compile(rf"^{_PICK}(?:\s+(?:please|looks\s+good|sounds\s+good))?$"),
)
_EXCLUDE = re.compile(
    r"^(?:no|nope|nah)?\s*(?:not\s+(?:that|this|the)(?:\s+(?P<ord>"
    + _ORDINAL
    + r"))?\s*(?:one|movie|film)?|(?:i(?:ve|\s+have)?\s+)?(?:already\s+)?(?:seen|watched)\s+"
    r"(?:that|it|this)(?:\s+one)?(?:\s+already)?)$"
)
_COMPARATIVE = re.compile(
    r"\b(?:funnier|scarier|creepier|spookier|darker|lighter|sadder|happier|less\s+\w+|more\s+(?:funny"
    r"|scary|romantic|action|violent))\b"
)
_REFINE = re.compile(
    r"^(?:and|but|what\s+about|how\s+about|maybe|ok|okay|hmm|now|only|same\s+but)\b"
    r"|\b(?:ones|instead|those|these|them|rather)\b"
)

# "any year", "forget the genre", "length doesn't matter": the last request without a field's
# constraints (after "nothing fits" above all).
_DROPPABLE: dict[str, tuple[Field, ...]] = {
    "year": ("year",), "years": ("year",), "era": ("year",), "decade": ("year",),
    "date": ("year",), "age": ("year",), "length": ("runtime",), "runtime": ("runtime",),
    "duration": ("runtime",), "genre": ("genres",), "genres": ("genres",), "kind": ("genres",),
    "rating": ("rating",), "ratings": ("rating",), "score": ("rating",),
    "popularity": ("votes",), "language": ("language",), "country": ("country",),
    "conditions": ("year", "runtime", "genres", "rating", "votes", "language", "country"),
    "filters": ("year", "runtime", "genres", "rating", "votes", "language", "country"),
}  # fmt: skip
_FIELD = "|".join(sorted(_DROPPABLE, key=len, reverse=True))
_DROP = re.compile(
    r"^(?:(?:ok|okay|fine|then|so|hmm|well)\s+)*(?:(?:any|whatever|every|all)\s+(?P<any>"
    + _FIELD
    + r")|(?:forget|drop|ignore|remove|skip|never\s*mind|nevermind)\s+(?:about\s+)?(?:the\s+)?"
    r"(?P<drop>" + _FIELD + r")|(?:the\s+)?(?P<moot>" + _FIELD + r")\s+(?:doesn'?t|does\s+not"
    r"|don'?t|do\s+not)\s+matter)(?:\s+(?:is|are)\s+(?:fine|ok|okay))?(?:\s+(?:then|please"
    r"|pls|instead))*$"
)


def thread_reference(words: Sequence[Token]) -> FollowUp | None:
    """A message that only points at the last answer: "more", "like the second one"."""
    text = _joined(words)
    if not text:
        return None
    if _MORE.match(text):
        return FollowUp("more")
    for pattern in _LIKE_PICK:
        if m := pattern.match(text):
            return FollowUp("like_pick", _pick(m))
    if m := _EXCLUDE.match(text):
        return FollowUp("exclude_pick", _pick(m))
    if m := _DROP.match(text):
        word = m.group("any") or m.group("drop") or m.group("moot")
        return FollowUp("drop", dropped=_DROPPABLE[word])
    return None


def follow_up(words: Sequence[Token], constraints: Sequence[Constraint]) -> FollowUp | None:
    """Constraints with no seed that refine the last answer: relative ones ("older", "funnier"),
    exclusions ("no horror"), or said as a follow-up ("what about French ones")."""
    text = _joined(words)
    if not constraints:
        return None
    if any(c.relative for c in constraints) or _COMPARATIVE.search(text):
        return FollowUp("refine")
    if all(c.op in ("not in", "!=") for c in constraints) or _REFINE.search(text):
        return FollowUp("refine")
    return None


def _pick(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("num"):
        return int(groups["num"])
    word = next((v for k, v in groups.items() if k == "ord" and v), None)
    return ORDINALS.get(word) if word else None


def surprise_words(words: Sequence[Token]) -> set[int]:
    """The words saying "surprise me", "anything", "you pick" (the whole catalogue, no seed
    needed): by position, so a title span over them ("Surprise Me!") can yield to them."""
    starts = []
    at = 0
    for w in words:
        starts.append(at)
        at += len(w.word) + 1  # as `_joined` joins them
    out: set[int] = set()
    for m in SURPRISE.finditer(_joined(words)):
        out.update(
            i
            for i, (w, s) in enumerate(zip(words, starts, strict=True))
            if s < m.end() and s + len(w.word) > m.start()
        )
    return out
