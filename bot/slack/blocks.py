"""Block Kit for every message and view the bot sends: answers, help, notices, the `/movie`
modal and its typeahead options, the App Home tab.

Everything a user or the catalogue wrote goes through bot.core.text before it lands in a block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import text as t
from bot.core.models import Mark, MarkKind, ModelVersion, Movie
from bot.slack.action_ids import (
    DID_YOU_MEAN,
    DROP_CONSTRAINT,
    MARK_MENU,
    MODAL_BLOCK,
    MODAL_CALLBACK,
    MODAL_SELECT,
    MORE_LIKE,
    REMOVE_MARK,
    SHARE,
    SHOW_MORE,
)
from bot.slack.admin_text import model_summary
from bot.slack.button_values import encode_mark, encode_page, encode_request
from bot.slack.constraint_text import constraint_label

if TYPE_CHECKING:
    from bot.core.matching import Candidate
    from bot.usecases.movies import Answer, SeedAnswer

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")


def mention(user: str) -> str:
    """`<@U123>` for a Slack user id; anything else escaped as text (it came from a request)."""
    return f"<@{user}>" if _USER_ID.fullmatch(user) else t.mrkdwn(user, 40)


CHAT_TEXT = (
    "Happy to help! Name a movie you love (`something like heat`) or describe one "
    "(`a 90s comedy`), and I will find picks."
)
NO_CONTEXT_TEXT = (
    "There is nothing before this for me to go on. Ask me for movies first "
    "(`something like heat`, `a 90s comedy`); then `more`, `older ones?` or `not that one` "
    "refine that answer."
)
MAX_DROP_BUTTONS = 10  # an actions block holds 25 elements; more conditions than this is noise

MARK_LABELS = {MarkKind.SEEN: "Seen it", MarkKind.NOT_INTERESTED: "Not interested"}

HELP_TEXT = (
    "*Ask me for movies like one you love.*\n"
    "\u2022 Mention me: `@moviebot movies like heat` or DM me `something like alien?`\n"
    "\u2022 `/movie the matrix` answers just you; *Share in channel* posts it for everyone.\n"
    "\u2022 `/movie` on its own opens a picker that searches as you type.\n"
    "\u2022 Say what you want: `like heat but from the 90s`, `like heat and ronin`, "
    "`a scary movie under 2 hours`; press \u2715 on a condition to drop it.\n"
    "\u2022 Then refine in the thread (mention me there): `older ones?`, `funnier`, `more`, "
    "`not that one`.\n"
    "\u2022 Typos are fine, and so are IMDb ids (`tt0133093`) and IMDb links.\n"
    "\u2022 Mark picks *Seen it* or *Not interested* and I will leave them out; "
    "your list is on my Home tab.\n"
    "\u2022 `/movie night` in a channel (`/movie night like heat, closes in 2 hours`) lets "
    "everyone add favourites and vote on a shortlist that suits the whole group."
)


@dataclass(frozen=True)
class Message:
    text: str  # the notification / fallback text (mrkdwn-escaped)
    blocks: list[dict[str, Any]]

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _year(year: int | None) -> str:
    return f" ({year})" if year else ""


def movie_line(movie: Movie) -> str:
    """`*<imdb|Title>* (1999) · Action, Sci-Fi · ★ 8.7 (2.1M votes)` in escaped mrkdwn."""
    parts = [f"*{t.link(movie.imdb_url, movie.title)}*{_year(movie.year)}"]
    if movie.genres:
        parts.append(t.mrkdwn(", ".join(movie.genres), 100))
    if movie.rating:
        parts.append(
            f"\u2605 {movie.rating:.1f}"
            + (f" ({_votes(movie.votes)} votes)" if movie.votes else "")
        )
    return " \u00b7 ".join(parts)


def _votes(votes: int) -> str:
    if votes >= 1_000_000:
        return f"{votes / 1_000_000:.1f}M"
    if votes >= 1_000:
        return f"{votes / 1_000:.0f}k"
    return str(votes)


def _pick_blocks(index: int, movie: Movie, reason: str) -> list[Block]:
    line = movie_line(movie)
    if reason:
        line += "\n_" + t.mrkdwn(reason, 200) + "_"
    return [
        SectionBlock(block_id=f"pick:{index}", text=MarkdownTextObject(text=line)),
        ActionsBlock(
            block_id=f"pick_actions:{index}",
            elements=[
                ButtonElement(
                    action_id=f"{MORE_LIKE}:{index}",
                    text=PlainTextObject(text="More like this"),
                    value=movie.tconst,
                ),
                OverflowMenuElement(
                    action_id=f"{MARK_MENU}:{index}",
                    options=[
                        Option(value=encode_mark(kind, movie.tconst), text=label)
                        for kind, label in MARK_LABELS.items()
                    ],
                ),
            ],
        ),
    ]


def _candidate_buttons(
    candidates: Sequence[Candidate],
    prefix: str = DID_YOU_MEAN,
    block_id: str = "did_you_mean",
    values: Sequence[str | None] | None = None,
    start: int = 0,
) -> Block:
    """Did-you-mean buttons; each carries the candidate's id, or the value given for it."""
    shown = candidates[:5]
    carried = list(values) if values is not None else [c.tconst for c in shown]
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                action_id=f"{prefix}:{start + i}",
                text=PlainTextObject(
                    text=t.plain(f"{c.title}{_year(c.year)}", t.BUTTON_TEXT_LIMIT)
                ),
                value=value,
            )
            for i, (c, value) in enumerate(zip(shown, carried, strict=False))
            if value is not None
        ],
    )


def _seed_ids(answer: Answer) -> list[str]:
    if answer.seeds:
        return [s.movie.tconst for s in answer.seeds]
    return [answer.movie.tconst] if answer.movie is not None else []


def _as_request(answer: Answer) -> bool:
    """Whether the answer's buttons must carry the whole request (its conditions, several
    seeds), not only the seed's id."""
    return bool(answer.constraints) or len(answer.seeds) > 1 or answer.movie is None


def _page_value(answer: Answer, offset: int) -> str | None:
    if _as_request(answer):
        return encode_request(_seed_ids(answer), answer.constraints, offset)
    return encode_page(answer.movie.tconst, offset) if answer.movie is not None else None


def _name(seed: Movie) -> str:
    return f"*{t.link(seed.imdb_url, seed.title)}*{_year(seed.year)}"


def understood(answer: Answer, heading: str) -> str:
    """What was understood, said back: `Movies like *Heat* (1995) · 1990s · comedy`."""
    movies = [s.movie for s in answer.seeds] or ([answer.movie] if answer.movie else [])
    if len(movies) == 1 and not answer.constraints:
        said = f"{heading} {movie_line(movies[0])}"  # the seed's details, as before
    elif movies:
        names = [_name(m) for m in movies]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        said = f"{heading} {joined}"
    else:
        said = heading
    labels = [t.mrkdwn(constraint_label(c), 100) for c in answer.constraints]
    return " \u00b7 ".join([said, *labels])[: t.SECTION_TEXT_LIMIT]


def _drop_buttons(answer: Answer) -> list[Block]:
    """A button per condition: the same request without it."""
    seeds = _seed_ids(answer)
    elements = []
    for i, c in enumerate(answer.constraints[:MAX_DROP_BUTTONS]):
        rest = answer.constraints[:i] + answer.constraints[i + 1 :]
        value = encode_request(seeds, rest)
        if value is None:
            continue
        label = t.plain(f"\u2715 {constraint_label(c)}", t.BUTTON_TEXT_LIMIT)
        elements.append(ButtonElement(action_id=f"{DROP_CONSTRAINT}:{i}", text=label, value=value))
    return [ActionsBlock(block_id="constraints", elements=elements)] if elements else []


def _other_matches(answer: Answer) -> list[Block]:
    """Did-you-mean per seed: pressing one answers again with that movie for that seed."""
    blocks: list[Block] = []
    seeds = list(answer.seeds)
    if not seeds and answer.alternatives:  # an answer built without its seeds' mentions
        return [
            ContextBlock(elements=[MarkdownTextObject(text=_not_the_one(None, []))]),
            _candidate_buttons(answer.alternatives[:3], block_id="other_matches"),
        ]
    ids = _seed_ids(answer)
    start = 0
    for n, seed in enumerate(seeds):
        if not seed.alternatives:
            continue
        alternatives = seed.alternatives[:3]
        values: list[str | None] | None = None
        if _as_request(answer):
            values = [
                encode_request([*ids[:n], c.tconst, *ids[n + 1 :]], answer.constraints)
                for c in alternatives
            ]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_not_the_one(seed, seeds))]))
        block_id = "other_matches" if n == 0 else f"other_matches:{n}"
        blocks.append(
            _candidate_buttons(alternatives, block_id=block_id, values=values, start=start)
        )
        start += len(alternatives)
    return blocks


def _not_the_one(seed: SeedAnswer | None, seeds: Sequence[SeedAnswer]) -> str:
    if seed is None or len(seeds) == 1:
        return "Not the one you meant? Try one of these:"
    return f"Not the one you meant by {t.quote_query(seed.text)}? Try one of these:"


def answer_message(
    answer: Answer, *, shareable: bool = False, shared_by: str | None = None
) -> Message:
    """The reply to a question, a "More like this", a "Show more", a did-you-mean click or a
    dropped condition."""
    if answer.status == "no_model":
        return notice(
            "I have no movie model loaded yet. An admin can start one with `/movie-admin retrain`."
        )
    if answer.status == "empty":
        return help_message("Tell me a movie and I will find ones like it.")
    if answer.status == "help":
        return help_message()
    if answer.status == "chat":
        return notice(CHAT_TEXT, block_id="chat")
    if answer.status == "no_context":
        return notice(NO_CONTEXT_TEXT, block_id="no_context")
    if answer.status == "nothing_fits":
        return _nothing_fits(answer)
    if answer.status in ("ambiguous", "no_match") or (
        answer.movie is None and answer.status != "picked"
    ):
        return _unresolved_message(answer)

    movie = answer.movie
    blocks: list[Block] = []
    # Only a well-formed Slack user id becomes a mention.
    if shared_by and _USER_ID.fullmatch(shared_by):
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"<@{shared_by}> shared this")])
        )
    if movie is None:  # no seed: the catalogue's best known that fit
        heading = "More well-liked picks" if answer.offset else "Well-liked picks"
    else:
        heading = "More movies like" if answer.offset else "Movies like"
    blocks.append(
        SectionBlock(block_id="seed", text=MarkdownTextObject(text=understood(answer, heading)))
    )
    blocks.extend(_drop_buttons(answer))
    # similar() answers carry the seed's id as their query: nothing the user typed to echo.
    if answer.query and not answer.offset and (movie is None or answer.query != movie.tconst):
        blocks.append(
            ContextBlock(
                elements=[
                    PlainTextObject(text=t.plain(f"You asked: {answer.query}", t.QUERY_ECHO_LIMIT))
                ]
            )
        )
    if answer.widened:
        blocks.append(
            ContextBlock(
                block_id="widened",
                elements=[
                    MarkdownTextObject(
                        text="Few movies that close meet all of that, so I looked in the "
                        "nearest clusters too."
                    )
                ],
            )
        )
    if not answer.offset:
        blocks.extend(_other_matches(answer))
    blocks.append(DividerBlock())
    if not answer.recommendations:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="That is everything I have like it (apart from what you marked)."
                )
            )
        )
    for i, pick in enumerate(answer.recommendations):
        blocks.extend(_pick_blocks(answer.offset + i, pick.movie, pick.reason))
    footer: list[ButtonElement] = []
    more = _page_value(answer, answer.offset + len(answer.recommendations))
    if answer.has_more and more is not None:
        footer.append(ButtonElement(action_id=f"{SHOW_MORE}:0", text="Show more", value=more))
    same = _page_value(answer, answer.offset)
    if shareable and same is not None:
        footer.append(
            ButtonElement(
                action_id=f"{SHARE}:0", text="Share in channel", style="primary", value=same
            )
        )
    if footer:
        blocks.append(ActionsBlock(block_id="footer", elements=footer))
    titles = ", ".join(p.movie.title for p in answer.recommendations[:5])
    if movie is None:
        fallback = f"Picks: {titles}"
    elif titles:
        fallback = f"Movies like {movie.title}{_year(movie.year)}: {titles}"
    else:
        fallback = f"Movies like {movie.title}"
    return Message(text=t.mrkdwn(fallback, t.FALLBACK_TEXT_LIMIT), blocks=_dicts(blocks))


def _nothing_fits(answer: Answer) -> Message:
    """Nothing in the catalogue meets every condition: say so, and offer to drop each."""
    heading = "Movies like" if answer.movie is not None else "Movies"
    lead = f"Nothing in the catalogue fits all of that: {understood(answer, heading)}"
    blocks: list[Block] = [
        SectionBlock(
            block_id="nothing_fits", text=MarkdownTextObject(text=lead[: t.SECTION_TEXT_LIMIT])
        ),
        *_drop_buttons(answer),
    ]
    if answer.constraints:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="Drop a condition and I will look again.")]
            )
        )
    return Message(text="Nothing in the catalogue fits all of that", blocks=_dicts(blocks))


def _unresolved_message(answer: Answer) -> Message:
    said = t.quote_query(answer.query)
    if answer.status == "ambiguous" and answer.alternatives:
        lead = f"Did you mean one of these for {said}?"
    elif answer.alternatives:
        lead = f"I could not find a movie matching {said}. Closest titles I know:"
    else:
        lead = (
            f"I could not find a movie matching {said}. "
            "Try the title as IMDb writes it, or an IMDb id like `tt0133093`."
        )
    blocks: list[Block] = [SectionBlock(block_id="unresolved", text=MarkdownTextObject(text=lead))]
    if answer.alternatives:
        blocks.append(_candidate_buttons(answer.alternatives))
    fallback = "Did you mean…?" if answer.status == "ambiguous" else "No match for that title"
    return Message(text=fallback, blocks=_dicts(blocks))


def help_message(lead: str | None = None) -> Message:
    blocks: list[Block] = []
    if lead:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t.mrkdwn(lead))))
    blocks.append(SectionBlock(block_id="help", text=MarkdownTextObject(text=HELP_TEXT)))
    return Message(text="How to use moviebot", blocks=_dicts(blocks))


def notice(mrkdwn_text: str, block_id: str | None = None) -> Message:
    """A one-section message; the caller has already escaped anything user-written in it."""
    section = SectionBlock(
        block_id=block_id, text=MarkdownTextObject(text=mrkdwn_text[: t.SECTION_TEXT_LIMIT])
    )
    return Message(text=mrkdwn_text[: t.FALLBACK_TEXT_LIMIT], blocks=_dicts([section]))


def marked_notice(kind: MarkKind, movie: Movie | None, tconst: str) -> Message:
    name = (
        f"*{t.mrkdwn(movie.title, t.TITLE_LIMIT)}*{_year(movie.year)}"
        if movie
        else t.mrkdwn(tconst, 20)
    )
    what = "seen" if kind is MarkKind.SEEN else "not interesting to you"
    return notice(f"Noted: {name} is {what}. I will leave it out of your picks (see my Home tab).")


def movie_modal(private_metadata: str = "") -> dict[str, Any]:
    """The `/movie` modal: one external_select that searches titles as the user types."""
    view = View(
        type="modal",
        callback_id=MODAL_CALLBACK,
        title=PlainTextObject(text="Movies like…"),
        submit=PlainTextObject(text="Find similar"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=private_metadata[:3000],
        blocks=[
            InputBlock(
                block_id=MODAL_BLOCK,
                label=PlainTextObject(text="A movie you like"),
                element=ExternalDataSelectElement(
                    action_id=MODAL_SELECT,
                    placeholder=PlainTextObject(text="Start typing a title"),
                    min_query_length=2,
                ),
            )
        ],
    )
    return view.to_dict()


def option_list(candidates: Sequence[Candidate]) -> list[dict[str, Any]]:
    """Options for the external_select typeahead (Slack allows 100; the picker shows a few)."""
    return [
        Option(
            value=c.tconst, text=t.plain(f"{c.title}{_year(c.year)}", t.OPTION_TEXT_LIMIT)
        ).to_dict()
        for c in candidates[:100]
    ]


def home_view(marks: Sequence[Mark], model: ModelVersion | None) -> dict[str, Any]:
    blocks: list[Block] = [
        HeaderBlock(text="Movies like the ones you love"),
        SectionBlock(block_id="help", text=MarkdownTextObject(text=HELP_TEXT)),
        DividerBlock(),
        HeaderBlock(text="Your list"),
    ]
    if not marks:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="Nothing marked yet. Use a pick's ⋯ menu.")]
            )
        )
    # Slack allows 100 blocks in a Home tab; keep room for the rest.
    for i, mark in enumerate(marks[:80]):
        label = MARK_LABELS.get(mark.kind, str(mark.kind))
        title = t.mrkdwn(mark.title or mark.tconst, t.TITLE_LIMIT)
        blocks.append(
            SectionBlock(
                block_id=f"mark:{i}",
                text=MarkdownTextObject(text=f"*{title}* \u00b7 {label}"),
                accessory=ButtonElement(
                    action_id=f"{REMOVE_MARK}:{i}", text="Remove", value=mark.tconst
                ),
            )
        )
    if len(marks) > 80:
        blocks.append(
            ContextBlock(elements=[PlainTextObject(text=f"…and {len(marks) - 80} more.")])
        )
    blocks.append(DividerBlock())
    blocks.append(HeaderBlock(text="The model in service"))
    blocks.append(
        SectionBlock(block_id="model", text=MarkdownTextObject(text=model_summary(model)))
    )
    return View(type="home", callback_id="home", blocks=blocks).to_dict()
