"""Settings of the retrain and notify Lambdas, read from the environment in this one place.

The bot's own settings (store, Slack, admins) come from `bot.config.Settings`; these are the
extra names template.yaml sets on the retrain function.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from infra.store_url import configured_store_url
from training.download import IMDB_BASE_URL, IMDB_FILES

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class ConfigError(Exception):
    """A required setting is missing or malformed."""


@dataclass(frozen=True)
class RetrainSettings:
    bucket: str
    job_prefix: str
    role_arn: str
    image_uri: str
    instance_type: str = "ml.m5.xlarge"
    max_runtime_seconds: int = 3600
    use_spot: bool = False
    clusters: int = 40
    # Where the IMDb dumps are fetched from, and whether the Lambda refreshes them at all
    # (off when an admin keeps their own files under imdb/ in the bucket).
    imdb_base_url: str = IMDB_BASE_URL
    imdb_files: tuple[str, ...] = IMDB_FILES
    refresh_imdb: bool = True
    # Only when set (dynamodb://TABLE in AWS) are runs recorded for the admin's status.
    store_url: str | None = None
    aws_endpoint_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetrainSettings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def need(name: str) -> str:
            value = get(name)
            if value is None:
                raise ConfigError(f"{name} is not set (template.yaml sets it on the function)")
            return value

        def number(name: str, default: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a whole number") from None
            if value <= 0:
                raise ConfigError(f"{name}={raw!r} must be positive")
            return value

        return cls(
            bucket=need("MOVIEBOT_BUCKET"),
            job_prefix=need("MOVIEBOT_JOB_PREFIX"),
            role_arn=need("MOVIEBOT_SAGEMAKER_ROLE"),
            image_uri=need("MOVIEBOT_TRAINING_IMAGE"),
            instance_type=get("MOVIEBOT_INSTANCE_TYPE") or cls.instance_type,
            max_runtime_seconds=number("MOVIEBOT_MAX_RUNTIME", cls.max_runtime_seconds),
            use_spot=(get("MOVIEBOT_USE_SPOT") or "false").lower() in TRUE_WORDS,
            clusters=number("MOVIEBOT_CLUSTERS", cls.clusters),
            imdb_base_url=get("MOVIEBOT_IMDB_URL") or IMDB_BASE_URL,
            refresh_imdb=(get("MOVIEBOT_IMDB_REFRESH") or "true").lower() in TRUE_WORDS,
            store_url=configured_store_url(env),
            aws_endpoint_url=get("AWS_ENDPOINT_URL"),
        )
