"""Settings, read from the environment in this one place: the bot's (`Settings`, every
entry point) and the retrain Lambda's (`RetrainSettings`)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE_URL = "sqlite:///var/moviebot.sqlite"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
# SageMaker stops a training job after this long (template.yaml: TrainingMaxRuntimeSeconds).
DEFAULT_MAX_RUNTIME_SECONDS = 3600


class ConfigError(Exception):
    """A required setting is missing or malformed."""


def _split_ids(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.replace(";", ",").split(",") if part.strip())


@dataclass(frozen=True)
class _Env:
    values: Mapping[str, str]

    def get(self, name: str) -> str | None:
        value = self.values.get(name, "").strip()
        return value or None

    def need(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise ConfigError(f"{name} is not set (template.yaml sets it on the function)")
        return value

    def number(self, name: str, default: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a whole number") from None
        if value <= 0:
            raise ConfigError(f"{name}={raw!r} must be positive")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.get(name)
        return default if raw is None else raw.lower() in TRUE_WORDS


def _env(environ: Mapping[str, str] | None) -> _Env:
    return _Env(os.environ if environ is None else environ)


@dataclass(frozen=True)
class Settings:
    store_url: str = DEFAULT_STORE_URL
    # False when store_url is only the embedded default (MOVIEBOT_STORE unset).
    store_configured: bool = False
    data_dir: Path = Path("data")
    cache_dir: Path = Path("var/cache")
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
    # The training jobs' maximum runtime: a run recorded as in progress for much longer has
    # ended even if its end was never recorded, so it no longer blocks a retrain.
    training_max_runtime_seconds: int = DEFAULT_MAX_RUNTIME_SECONDS
    log_level: str = "INFO"
    # Questions one Slack user may ask per minute (counted in the store, across containers).
    questions_per_minute: int = 10
    # Set in AWS: a movie night's closing time becomes a one-time EventBridge Scheduler
    # schedule in this group, run with this role, invoking this function (the bot's own).
    night_schedule_group: str | None = None
    night_scheduler_role: str | None = None
    night_close_target: str | None = None
    # On a laptop (serve, chat): how often the timer closes nights whose time has come.
    night_timer_seconds: int = 30

    @property
    def configured_store_url(self) -> str | None:
        """The store only when one is configured: the Lambdas other than the bot record runs
        in the stack's table, never in an embedded default."""
        return self.store_url if self.store_configured else None

    def with_slack_credentials(self, bot_token: str, signing_secret: str) -> Settings:
        """These settings with the Slack credentials read from the secret."""
        return dataclasses.replace(
            self, slack_bot_token=bot_token, slack_signing_secret=signing_secret
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = _env(environ)
        get = env.get
        return cls(
            store_url=get("MOVIEBOT_STORE") or DEFAULT_STORE_URL,
            store_configured=get("MOVIEBOT_STORE") is not None,
            data_dir=Path(get("MOVIEBOT_DATA_DIR") or "data"),
            cache_dir=Path(get("MOVIEBOT_CACHE_DIR") or "var/cache"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            slack_secret_name=get("MOVIEBOT_SLACK_SECRET"),
            admins=_split_ids(get("MOVIEBOT_ADMINS") or ""),
            admin_channel=get("MOVIEBOT_ADMIN_CHANNEL"),
            aws_endpoint_url=get("AWS_ENDPOINT_URL"),
            retrain_function=get("MOVIEBOT_RETRAIN_FUNCTION"),
            retrain_schedule=get("MOVIEBOT_RETRAIN_SCHEDULE"),
            training_max_runtime_seconds=env.number(
                "MOVIEBOT_MAX_RUNTIME", DEFAULT_MAX_RUNTIME_SECONDS
            ),
            log_level=get("LOG_LEVEL") or "INFO",
            questions_per_minute=env.number(
                "MOVIEBOT_QUESTIONS_PER_MINUTE", cls.questions_per_minute
            ),
            night_schedule_group=get("MOVIEBOT_NIGHT_SCHEDULE_GROUP"),
            night_scheduler_role=get("MOVIEBOT_NIGHT_SCHEDULER_ROLE"),
            night_close_target=get("MOVIEBOT_NIGHT_CLOSE_TARGET"),
            night_timer_seconds=env.number("MOVIEBOT_NIGHT_TIMER_SECONDS", cls.night_timer_seconds),
        )


@dataclass(frozen=True)
class RetrainSettings:
    """The retrain Lambda's settings (template.yaml sets them on the function)."""

    bucket: str
    job_prefix: str
    role_arn: str
    image_uri: str
    instance_type: str = "ml.m5.2xlarge"
    max_runtime_seconds: int = DEFAULT_MAX_RUNTIME_SECONDS
    use_spot: bool = False
    clusters: int = 40
    # Where the IMDb dumps are fetched from (None: IMDb's own site), and whether the Lambda
    # refreshes them at all (off when an admin keeps their own files under imdb/ in the bucket).
    imdb_base_url: str | None = None
    refresh_imdb: bool = True
    # Only when set (dynamodb://TABLE in AWS) are runs recorded for the admin's status.
    store_url: str | None = None
    aws_endpoint_url: str | None = None
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetrainSettings:
        env = _env(environ)
        return cls(
            bucket=env.need("MOVIEBOT_BUCKET"),
            job_prefix=env.need("MOVIEBOT_JOB_PREFIX"),
            role_arn=env.need("MOVIEBOT_SAGEMAKER_ROLE"),
            image_uri=env.need("MOVIEBOT_TRAINING_IMAGE"),
            instance_type=env.get("MOVIEBOT_INSTANCE_TYPE") or cls.instance_type,
            max_runtime_seconds=env.number("MOVIEBOT_MAX_RUNTIME", cls.max_runtime_seconds),
            use_spot=env.flag("MOVIEBOT_USE_SPOT", False),
            clusters=env.number("MOVIEBOT_CLUSTERS", cls.clusters),
            imdb_base_url=env.get("MOVIEBOT_IMDB_URL"),
            refresh_imdb=env.flag("MOVIEBOT_IMDB_REFRESH", True),
            store_url=env.get("MOVIEBOT_STORE"),
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL"),
            log_level=env.get("LOG_LEVEL") or cls.log_level,
        )
