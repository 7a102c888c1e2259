"""Settings, read from the environment in this one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE_URL = "sqlite:///var/moviebot.sqlite"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def _split_ids(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.replace(";", ",").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    store_url: str = DEFAULT_STORE_URL
    data_dir: Path = Path("data")
    cache_dir: Path = Path("var/cache")
    model_dir: Path = Path("var/model")
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    # In AWS the Slack credentials live in Secrets Manager; this names the secret.
    slack_secret_name: str | None = None
    admins: frozenset[str] = field(default_factory=frozenset)
    admin_channel: str | None = None
    aws_endpoint_url: str | None = None
    # Set in AWS: the retrain Lambda that the admin command invokes.
    retrain_function: str | None = None
    retrain_schedule: str | None = None
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            store_url=get("MOVIEBOT_STORE") or DEFAULT_STORE_URL,
            data_dir=Path(get("MOVIEBOT_DATA_DIR") or "data"),
            cache_dir=Path(get("MOVIEBOT_CACHE_DIR") or "var/cache"),
            model_dir=Path(get("MOVIEBOT_MODEL_DIR") or "var/model"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            slack_secret_name=get("MOVIEBOT_SLACK_SECRET"),
            admins=_split_ids(env.get("MOVIEBOT_ADMINS", "")),
            admin_channel=get("MOVIEBOT_ADMIN_CHANNEL"),
            aws_endpoint_url=get("AWS_ENDPOINT_URL"),
            retrain_function=get("MOVIEBOT_RETRAIN_FUNCTION"),
            retrain_schedule=get("MOVIEBOT_RETRAIN_SCHEDULE"),
            log_level=get("LOG_LEVEL") or "INFO",
        )
