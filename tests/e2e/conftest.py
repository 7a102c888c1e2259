"""The bot as Slack reaches it in AWS: signed Function URL events into a container of the bot's
function (`bot.lambda_handler.lambda_entry()`, as `handler` is in AWS), lazy self-invocations
routed back in-process, a real SQLite store filled by the loader, and the Web API stand-in
recording what the bot posts."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from bot.adapters import observability
from bot.adapters.slack_secret import BOT_TOKEN_KEY, SIGNING_SECRET_KEY
from bot.adapters.store.sqlite import SqliteStore
from bot.lambda_handler import LambdaHandler
from bot.usecases.loader import load_artifact
from tests.e2e import slack_requests as sr


@pytest.fixture
def store_path(tmp_path: Path, sample_artifact: Path) -> Path:
    path = tmp_path / "bot.sqlite"
    store = SqliteStore(str(path))
    try:
        load_artifact(sample_artifact, store)
    finally:
        store.close()
    return path


@dataclass
class LambdaBot:
    """One container of the bot's function, as Slack reaches it."""

    slack_api: Any
    invoker: sr.InProcessLambda
    handler: LambdaHandler = field(init=False)

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """A new container: it reads the environment (and the secret) again."""
        self.invoker.settle()
        self.handler = sr.bot_container(self.invoker)

    def send(
        self, body: str, content_type: str, *, settle: bool = True, **sign: Any
    ) -> dict[str, Any]:
        headers = sr.signed_headers(body, content_type, **sign)
        return self.send_raw(body, headers, settle=settle)

    def send_raw(
        self, body: str, headers: dict[str, str], *, settle: bool = True
    ) -> dict[str, Any]:
        response = self.handler(sr.function_url_event(body, headers), sr.LambdaContext())
        if settle:
            self.invoker.settle()
        return response

    def command(self, text: str, *, command: str = "/movie", user: str = sr.USER) -> dict[str, Any]:
        body, ctype = sr.command_body(
            command, text, user=user, response_url=self.slack_api.response_url()
        )
        return self.send(body, ctype)

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, **sign: Any
    ) -> dict[str, Any]:
        body, ctype = sr.event_body(event, event_id=event_id)
        return self.send(body, ctype, **sign)

    def interact(self, payload: dict[str, Any]) -> dict[str, Any]:
        body, ctype = sr.interactive_body(payload)
        return self.send(body, ctype)

    def options(self, typed: str) -> dict[str, Any]:
        return self.interact(sr.block_suggestion(typed))

    def last_post(self, method: str = "chat.postMessage") -> dict[str, Any]:
        calls = self.slack_api.calls(method)
        assert calls, f"no {method} call was made (saw {self.slack_api.methods()})"
        return calls[-1]


def bot_env(slack_api: Any, store_path: Path, tmp_path: Path) -> dict[str, str]:
    """What a bot process needs here: the test's store, its own cache, the Slack stand-in."""
    return {
        "MOVIEBOT_STORE": f"sqlite:///{store_path}",
        "MOVIEBOT_CACHE_DIR": str(tmp_path / "cache"),
        "SLACK_BOT_TOKEN": sr.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "SLACK_API_URL": slack_api.url,
    }


@pytest.fixture
def lambda_env(
    monkeypatch: pytest.MonkeyPatch, slack_api: Any, store_path: Path, tmp_path: Path
) -> dict[str, str]:
    env = {
        **bot_env(slack_api, store_path, tmp_path),
        "MOVIEBOT_ADMINS": sr.ADMIN,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "moviebot",
        # Tests ask many questions as one user; test_bursts.py sets a low limit itself.
        "MOVIEBOT_QUESTIONS_PER_MINUTE": "1000",
    }
    for name in ("MOVIEBOT_SLACK_SECRET", "MOVIEBOT_RETRAIN_FUNCTION", "MOVIEBOT_RETRAIN_SCHEDULE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def lambda_bot(lambda_env: dict[str, str], slack_api: Any) -> Iterator[LambdaBot]:
    bot = LambdaBot(slack_api, sr.InProcessLambda())
    try:
        yield bot
    finally:
        bot.invoker.settle()


@pytest.fixture(params=["sqlite", "dynamodb"])
def any_store_bot(
    request: pytest.FixtureRequest,
    lambda_bot: LambdaBot,
    sample_artifact: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> LambdaBot:
    """`lambda_bot` on each backend: its SQLite file, or a DynamoDB Local table holding the
    same model (the containers it starts read the store from the environment)."""
    if request.param == "dynamodb":
        from bot.adapters.store.dynamodb import DynamoStore

        endpoint = request.getfixturevalue("dynamodb_local")
        table = request.getfixturevalue("dynamodb_table")
        store = DynamoStore(table, endpoint_url=endpoint)
        try:
            load_artifact(sample_artifact, store)
        finally:
            store.close()
        monkeypatch.setenv("MOVIEBOT_STORE", f"dynamodb://{table}")
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        lambda_bot.restart()
    return lambda_bot


SLACK_SECRET_NAME = "moviebot/slack"


@dataclass
class SlackSecret:
    """The bot's credentials in (moto) Secrets Manager, as template.yaml stores them."""

    name: str
    client: Any

    def put(
        self, *, bot_token: str = sr.BOT_TOKEN, signing_secret: str = sr.SIGNING_SECRET
    ) -> None:
        """Store a new version (a rotation, or a broken deploy's empty values)."""
        values = {BOT_TOKEN_KEY: bot_token, SIGNING_SECRET_KEY: signing_secret}
        self.client.put_secret_value(SecretId=self.name, SecretString=json.dumps(values))


@pytest.fixture
def slack_secret(lambda_bot: LambdaBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackSecret]:
    """The credentials come from a secret (MOVIEBOT_SLACK_SECRET), none from the environment."""
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("MOVIEBOT_SLACK_SECRET", SLACK_SECRET_NAME)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        secret = SlackSecret(SLACK_SECRET_NAME, boto3.client("secretsmanager"))
        secret.client.create_secret(Name=secret.name, SecretString="{}")
        secret.put()
        # Powertools keeps values (and its client) across tests: start from nothing.
        parameters.clear_caches()
        lambda_bot.restart()
        try:
            yield secret
        finally:
            lambda_bot.invoker.settle()
            parameters.clear_caches()


@dataclass
class BotLogs:
    caplog: pytest.LogCaptureFixture
    formatter: logging.Formatter

    @property
    def records(self) -> list[logging.LogRecord]:
        # The same record can reach the capture through more than one logger.
        return list({id(r): r for r in self.caplog.records}.values())

    def text(self) -> str:
        """Every record as a line: its message, its attributes, and the JSON line the
        Powertools logger prints for it."""
        return "\n".join(
            f"{r.getMessage()} {json.dumps(r.__dict__, default=str)} {self.formatter.format(r)}"
            for r in self.records
        )


@pytest.fixture
def bot_logs(caplog: pytest.LogCaptureFixture) -> Iterator[BotLogs]:
    """What the bot logs, at the levels the bot sets (LOG_LEVEL; nothing raised here): the
    capture sits on the loggers that do not pass records on to the root."""
    names = ["bot", "slack_bolt", "slack_sdk", observability.SERVICE]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    try:
        yield BotLogs(caplog, observability.logger.registered_formatter)
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)


def find_block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    for block in blocks:
        if block.get("block_id") == block_id:
            return block
    raise AssertionError(f"no block {block_id!r} in {[b.get('block_id') for b in blocks]}")


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every button and overflow in the blocks."""
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements = [*elements, block["accessory"]]
        found += [
            (block.get("block_id", ""), e)
            for e in elements
            if e.get("type") in ("button", "overflow")
        ]
    return found


def button(blocks: list[dict[str, Any]], action_prefix: str) -> tuple[str, dict[str, Any]]:
    for block_id, element in buttons(blocks):
        if element["action_id"].split(":")[0] == action_prefix:
            return block_id, element
    raise AssertionError(f"no {action_prefix} button in {json.dumps(blocks)[:400]}")


def pick_ids(blocks: list[dict[str, Any]]) -> list[str]:
    """The picks' tconsts, in order (their More like this buttons carry them)."""
    return [e["value"] for _, e in buttons(blocks) if e["action_id"].startswith("more_like_this")]


def pick_titles(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if str(b.get("block_id", "")).startswith("pick:")]
