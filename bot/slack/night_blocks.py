"""Block Kit for a movie night: the channel's night message (who started it, who joined, the
request, the shortlist with a vote button per film showing its tally, and the night's buttons),
the same message once closed (the winner, why, the tie rule when it decided, "We watched it"),
the add-favourite / suggest modal, and the private replies. Pure functions of the night."""

from __future__ import annotations

from collections.abc import Sequence

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
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import text as t
from bot.core.clock import parse_utc
from bot.core.matching import Candidate
from bot.core.night import Night, NightFilm, leader
from bot.slack import action_ids as ids
from bot.slack.blocks import Message, mention, notice
from bot.slack.constraint_text import constraint_label
from bot.slack.night_values import Kind, ModalTarget, encode_film, encode_modal, encode_pick

MAX_SHOWN_MEMBERS = 30  # a section holds 3000 characters; a mention is about 15
KIND_TITLES: dict[Kind, str] = {"favourite": "Add a favourite", "suggest": "Suggest a film"}
KIND_LABELS: dict[Kind, str] = {
    "favourite": "A movie you love (the shortlist is built from these)",
    "suggest": "A film to put straight on the shortlist",
}


def _year(year: int | None) -> str:
    return f" ({year})" if year else ""


def _film_name(film: NightFilm) -> str:
    return f"*{t.mrkdwn(film.title, t.TITLE_LIMIT)}*{_year(film.year)}"


def _members(night: Night) -> str:
    shown = [
        mention(u) + (f" ({len(night.favourites[u])}\u2605)" if night.favourites.get(u) else "")
        for u in night.members[:MAX_SHOWN_MEMBERS]
    ]
    more = len(night.members) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _closing(closes_at: str | None) -> str | None:
    """Slack shows the closing time in each reader's own time zone."""
    when = parse_utc(closes_at) if closes_at else None
    if when is None:
        return None
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    shown = "{date_short_pretty} at {time}"
    return f"Voting closes <!date^{int(when.timestamp())}^{shown}|{fallback}>"


def _header_blocks(night: Night) -> list[Block]:
    request = t.mrkdwn(night.request_text, t.QUERY_ECHO_LIMIT) if night.request_text else ""
    lead = f"{mention(night.started_by)} started a movie night" + (
        f": _{request}_" if request else "."
    )
    context = [f"Members: {_members(night)}"] if night.members else []
    labels = [t.mrkdwn(constraint_label(c), 100) for c in night.constraints]
    if labels:
        context.append("Wanted: " + " \u00b7 ".join(labels))
    closing = _closing(night.closes_at) if night.is_open else None
    if closing:
        context.append(closing)
    blocks: list[Block] = [
        HeaderBlock(block_id="night_header", text="Movie night"),
        SectionBlock(block_id="night_lead", text=MarkdownTextObject(text=lead)),
    ]
    if context:
        blocks.append(
            ContextBlock(
                block_id="night_context",
                elements=[MarkdownTextObject(text="\n".join(context)[: t.SECTION_TEXT_LIMIT])],
            )
        )
    return blocks


def _tally(n: int) -> str:
    return f"{n} vote" if n == 1 else f"{n} votes"


def _film_line(night: Night, film: NightFilm) -> str:
    line = f"{_film_name(film)} \u00b7 {_tally(night.tally(film.tconst))}"
    if film.reason:
        line += "\n_" + t.mrkdwn(film.reason, 200) + "_"
    return line


def _shortlist_blocks(night: Night) -> list[Block]:
    if not night.shortlist:
        hint = "No shortlist yet: add a favourite (or suggest a film) and I will build one."
        return [ContextBlock(block_id="night_empty", elements=[MarkdownTextObject(text=hint)])]
    blocks: list[Block] = []
    for i, film in enumerate(night.shortlist):
        button = (
            ButtonElement(
                action_id=f"{ids.NIGHT_VOTE}:{i}",
                text=PlainTextObject(text=f"\U0001f44d {night.tally(film.tconst)}"),
                value=encode_film(night.night_id, film.tconst),
            )
            if night.is_open
            else None
        )
        blocks.append(
            SectionBlock(
                block_id=f"night_film:{i}",
                text=MarkdownTextObject(text=_film_line(night, film)),
                accessory=button,
            )
        )
    if night.is_open:
        blocks.append(
            ContextBlock(
                block_id="night_how",
                elements=[
                    MarkdownTextObject(
                        text="Approve as many as you like; press again to take a vote back."
                    )
                ],
            )
        )
    return blocks


def _open_buttons(night: Night) -> Block:
    value = night.night_id
    return ActionsBlock(
        block_id="night_actions",
        elements=[
            ButtonElement(action_id=ids.NIGHT_JOIN, text="Join", value=value),
            ButtonElement(action_id=ids.NIGHT_FAVOURITE, text="Add a favourite", value=value),
            ButtonElement(action_id=ids.NIGHT_SUGGEST, text="Suggest a film", value=value),
            ButtonElement(
                action_id=ids.NIGHT_CLOSE, text="Close voting", value=value, style="danger"
            ),
        ],
    )


def _winner_blocks(night: Night) -> list[Block]:
    film = night.film(night.winner) if night.winner else None
    if film is None:
        text = "Voting is closed. There was nothing on the shortlist, so there is no winner."
        return [SectionBlock(block_id="night_winner", text=MarkdownTextObject(text=text))]
    text = f":trophy: *Tonight's film:* {_film_name(film)} with {_tally(night.tally(film.tconst))}"
    why = [f"Why: {t.mrkdwn(film.reason, 200)}"] if film.reason else []
    if leader(night)[1]:  # the winner shares the top tally: the tie rule decided
        why.append(f"It was a tie. {t.mrkdwn(night.tie_rule, 300)}")
    blocks: list[Block] = [
        SectionBlock(block_id="night_winner", text=MarkdownTextObject(text=text)),
    ]
    if why:
        blocks.append(
            ContextBlock(block_id="night_why", elements=[MarkdownTextObject(text="\n".join(why))])
        )
    blocks.append(
        ActionsBlock(
            block_id="night_watched",
            elements=[
                ButtonElement(
                    action_id=ids.NIGHT_WATCHED,
                    text="We watched it",
                    value=encode_film(night.night_id, film.tconst),
                    style="primary",
                )
            ],
        )
    )
    return blocks


def winner_message(night: Night) -> Message:
    """The announcement posted in the channel when the night closes."""
    blocks = [
        HeaderBlock(block_id="night_result", text="Movie night: the result"),
        *_winner_blocks(night),
    ]
    return Message(text=_fallback(night), blocks=[b.to_dict() for b in blocks])


def night_message(night: Night) -> Message:
    """The night as the channel sees it, open or closed."""
    blocks = _header_blocks(night)
    if not night.is_open:
        blocks += _winner_blocks(night)
    blocks.append(DividerBlock())
    blocks += _shortlist_blocks(night)
    if night.is_open:
        blocks.append(_open_buttons(night))
    return Message(text=_fallback(night), blocks=[b.to_dict() for b in blocks])


def _fallback(night: Night) -> str:
    film = night.film(night.winner) if night.winner else None
    if film is not None:
        return f"Movie night: {t.mrkdwn(film.title, t.TITLE_LIMIT)} won"
    if not night.is_open:
        return "Movie night: voting is closed"
    return f"Movie night: {len(night.members)} joined, {len(night.shortlist)} films to vote on"


def night_modal(target: ModalTarget) -> dict[str, object]:
    """Add a favourite / suggest a film: the same typeahead as the `/movie` picker (its action
    id, so the options listener answers it)."""
    view = View(
        type="modal",
        callback_id=ids.NIGHT_MODAL_CALLBACK,
        title=PlainTextObject(text=KIND_TITLES[target.kind]),
        submit=PlainTextObject(text="Add"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=encode_modal(target),
        blocks=[
            InputBlock(
                block_id=ids.MODAL_BLOCK,
                label=PlainTextObject(text=KIND_LABELS[target.kind]),
                element=ExternalDataSelectElement(
                    action_id=ids.MODAL_SELECT,
                    placeholder=PlainTextObject(text="Start typing a title"),
                    min_query_length=2,
                ),
            )
        ],
    )
    return view.to_dict()


def night_notice(message: str) -> Message:
    """A private reply carrying a use case's plain-text message."""
    return notice(t.mrkdwn(message))


def night_did_you_mean(
    night_id: str, kind: Kind, message: str, candidates: Sequence[Candidate]
) -> Message:
    """Which film was meant: a button per candidate adds it as the favourite / suggestion."""
    lead = t.mrkdwn(message or "Which one did you mean?")
    buttons = ActionsBlock(
        block_id="night_did_you_mean",
        elements=[
            ButtonElement(
                action_id=f"{ids.NIGHT_PICK}:{i}",
                text=PlainTextObject(
                    text=t.plain(f"{c.title}{_year(c.year)}", t.BUTTON_TEXT_LIMIT)
                ),
                value=encode_pick(night_id, kind, c.tconst),
            )
            for i, c in enumerate(candidates[:5])
        ],
    )
    blocks: list[Block] = [SectionBlock(block_id="night_dym", text=MarkdownTextObject(text=lead))]
    if candidates:
        blocks.append(buttons)
    return Message(text=lead[: t.FALLBACK_TEXT_LIMIT], blocks=[b.to_dict() for b in blocks])
