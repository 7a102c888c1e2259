"""The retrain Lambda's settings: required names, numbers, flags, clear errors."""

from __future__ import annotations

import pytest

from infra.settings import ConfigError, RetrainSettings
from infra.store_url import configured_store_url

REQUIRED = {
    "MOVIEBOT_BUCKET": "b",
    "MOVIEBOT_JOB_PREFIX": "moviebot",
    "MOVIEBOT_SAGEMAKER_ROLE": "arn:aws:iam::1:role/r",
    "MOVIEBOT_TRAINING_IMAGE": "img",
}


def test_defaults_and_overrides() -> None:
    settings = RetrainSettings.from_env(REQUIRED)
    assert (settings.use_spot, settings.clusters, settings.refresh_imdb) == (False, 40, True)
    assert settings.store_url is None
    settings = RetrainSettings.from_env(
        {
            **REQUIRED,
            "MOVIEBOT_USE_SPOT": "TRUE",
            "MOVIEBOT_CLUSTERS": "12",
            "MOVIEBOT_STORE": "dynamodb://t",
        }
    )
    assert (settings.use_spot, settings.clusters, settings.store_url) == (True, 12, "dynamodb://t")


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_a_missing_name_is_named(name: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        RetrainSettings.from_env(env)


@pytest.mark.parametrize("value", ["ten", "-5", "0"])
def test_a_bad_number_is_named(value: str) -> None:
    with pytest.raises(ConfigError, match="MOVIEBOT_MAX_RUNTIME"):
        RetrainSettings.from_env({**REQUIRED, "MOVIEBOT_MAX_RUNTIME": value})


def test_store_only_when_configured() -> None:
    assert configured_store_url({}) is None
    assert configured_store_url({"MOVIEBOT_STORE": "  "}) is None
    assert configured_store_url({"MOVIEBOT_STORE": "dynamodb://t"}) == "dynamodb://t"
