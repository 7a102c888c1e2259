"""Script-mode arguments: SageMaker's environment as defaults, booleans parsed explicitly."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from training.train import parse_args, str2bool

SM_VARS = ("SM_CHANNEL_TRAIN", "SM_CHANNEL_TRAINING", "SM_CHANNEL_IMDB", "SM_MODEL_DIR",
           "SM_OUTPUT_DATA_DIR")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_sagemaker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SM_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("text", ["true", "True", "1", "yes", "ON"])
def test_true_words(text: str) -> None:
    assert str2bool(text) is True


@pytest.mark.parametrize("text", ["false", "False", "0", "no", "off"])
def test_false_words(text: str) -> None:
    # bool("False") would be True: the reason booleans are parsed explicitly.
    assert str2bool(text) is False


def test_other_words_are_refused() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        str2bool("maybe")


def test_defaults_on_a_laptop() -> None:
    args = parse_args(["--data-dir", "data", "--model-dir", "var/model"])
    assert args.data_dir == Path("data") and args.model_dir == Path("var/model")
    assert args.clusters == 40
    assert args.min_votes == 0
    assert args.title_types == "movie"
    assert args.write_akas is True
    assert args.output_data_dir is None


def test_sagemaker_environment_gives_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SM_CHANNEL_IMDB", "/opt/ml/input/data/imdb")
    monkeypatch.setenv("SM_MODEL_DIR", "/opt/ml/model")
    monkeypatch.setenv("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data")
    # The hyperparameters arrive as flags with string values, booleans capitalised.
    args = parse_args(["--clusters", "25", "--write-akas", "False", "--min-votes", "100"])
    assert args.data_dir == Path("/opt/ml/input/data/imdb")
    assert args.model_dir == Path("/opt/ml/model")
    assert args.output_data_dir == Path("/opt/ml/output/data")
    assert args.clusters == 25 and args.min_votes == 100
    assert args.write_akas is False


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")
    args = parse_args(["--data-dir", "elsewhere", "--model-dir", "m"])
    assert args.data_dir == Path("elsewhere")


def test_data_dir_is_required_without_sagemaker(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--model-dir", "m"])
    assert "--data-dir" in capsys.readouterr().err


def test_clusters_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", "d", "--model-dir", "m", "--clusters", "0"])
    assert "at least 1" in capsys.readouterr().err
