"""The template's scikit-learn 1.4-2-py312 image table against the SageMaker SDK's own
(image_uri_config/sklearn.json and image_uris.retrieve), so the two cannot drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.infra.cfn import function_env, load_template, substitute

sagemaker_core = pytest.importorskip("sagemaker.core", reason="the SageMaker SDK (dev tools)")
from sagemaker.core import image_uris  # noqa: E402

VERSION = "1.4-2-py312"
# Regions CloudFormation's AWS::URLSuffix covers with these names: commercial, China, GovCloud.
URL_SUFFIX = {"cn-": "amazonaws.com.cn"}
ISOLATED = ("us-iso-", "us-isob-", "us-isof-", "eu-isoe-")


def _sdk_registries() -> dict[str, str]:
    path = Path(sagemaker_core.__file__).parent / "image_uri_config" / "sklearn.json"
    config = json.loads(path.read_text())
    registries: dict[str, str] = config["training"]["versions"][VERSION]["registries"]
    return registries


def _image_for(template: dict[str, Any], region: str) -> str:
    text, values = function_env(template, "RetrainFunction")["MOVIEBOT_TRAINING_IMAGE"]["Fn::Sub"]
    mapping = template["Mappings"][values["Account"]["Fn::FindInMap"][0]]
    suffix = next((v for k, v in URL_SUFFIX.items() if region.startswith(k)), "amazonaws.com")
    return substitute(
        text,
        {"Account": mapping[region]["Account"], "AWS::Region": region, "AWS::URLSuffix": suffix},
    )


def test_the_template_table_is_the_sdks_for_every_non_isolated_region() -> None:
    template = load_template()
    mapping = {
        region: row["Account"] for region, row in template["Mappings"]["SklearnImage"].items()
    }
    expected = {
        region: account
        for region, account in _sdk_registries().items()
        if not region.startswith(ISOLATED)
    }
    assert mapping == expected


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
)
def test_the_image_uri_is_what_the_sdk_retrieves(region: str) -> None:
    expected = image_uris.retrieve(
        "sklearn", region=region, version=VERSION, image_scope="training"
    )
    assert _image_for(load_template(), region) == expected


def test_the_role_may_pull_from_the_same_repository() -> None:
    template = load_template()
    role = template["Resources"]["SageMakerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    (pull,) = [s for s in role["Statement"] if s.get("Sid") == "PullTheImage"]
    text, values = pull["Resource"]["Fn::Sub"]
    image = _image_for(template, "us-east-1")
    repository = image.split("/", 1)[1].split(":")[0]
    assert text.endswith(f":repository/{repository}")
    assert (
        values["Account"]
        == function_env(template, "RetrainFunction")["MOVIEBOT_TRAINING_IMAGE"]["Fn::Sub"][1][
            "Account"
        ]
    )
