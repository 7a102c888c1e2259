"""Settings from the environment: the bot's and the retrain Lambda's; clear errors."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, RetrainSettings, Settings

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
    assert Settings.from_env({}).configured_store_url is None
    assert Settings.from_env({}).store_url.startswith("sqlite:///")
    assert Settings.from_env({"MOVIEBOT_STORE": "  "}).configured_store_url is None
    configured = Settings.from_env({"MOVIEBOT_STORE": "dynamodb://t"})
    assert configured.configured_store_url == "dynamodb://t"


def test_bot_settings_read_admins_and_slack_names() -> None:
    settings = Settings.from_env(
        {
            "MOVIEBOT_ADMINS": " U1, U2;U3 ,",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "MOVIEBOT_DATA_DIR": "/d",
        }
    )
    assert settings.admins == frozenset({"U1", "U2", "U3"})
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.slack_bot_token == "xoxb-1" and settings.slack_signing_secret is None
    assert str(settings.data_dir) == "/d"


def test_the_question_limit_is_a_setting_and_a_bad_one_is_named() -> None:
    assert Settings.from_env({}).questions_per_minute == 10
    assert Settings.from_env({"MOVIEBOT_QUESTIONS_PER_MINUTE": "3"}).questions_per_minute == 3
    with pytest.raises(ConfigError, match="MOVIEBOT_QUESTIONS_PER_MINUTE"):
        Settings.from_env({"MOVIEBOT_QUESTIONS_PER_MINUTE": "lots"})
