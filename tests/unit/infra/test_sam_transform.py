"""template.yaml after SAM's own transform, for what SAM adds on its own: the alias the Function
URL and the no-retry config attach to, the roles it creates for the schedule and the loader's
destinations, and the managed policies. The translator is the SAM CLI's (`.venv-sam`, which
`make dev` installs), run in that environment since it pins its own boto3."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from tests.unit.infra.cfn import FUNCTIONS, REPO_ROOT, TEMPLATE

SAM_PYTHON = REPO_ROOT / ".venv-sam" / "bin" / "python"
# Managed policies SAM attaches: logs, and X-Ray because the functions trace (Tracing: Active).
MANAGED_OK = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}
TRANSFORM = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

class NoManagedPolicies:
    def load(self):
        return {}

template = yaml_parse(open(sys.argv[1]).read())
# `sam build` replaces CodeUri with the built package's location; any S3 URI will do here.
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/key.zip"
print(json.dumps(transform(template, {}, NoManagedPolicies())))
"""


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    if not SAM_PYTHON.exists():
        pytest.skip(f"{SAM_PYTHON} is absent (`make dev` installs the SAM CLI there)")
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(
        [str(SAM_PYTHON), "-c", TRANSFORM, str(TEMPLATE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def test_function_url_and_no_retry_config_are_on_the_bots_alias(
    transformed: dict[str, Any],
) -> None:
    res = transformed["Resources"]
    url = res["BotFunctionUrl"]["Properties"]
    assert url["AuthType"] == "NONE"
    assert url["TargetFunctionArn"] == {"Ref": "BotFunctionAliaslive"}
    config = res["BotFunctionEventInvokeConfig"]["Properties"]
    assert (config["Qualifier"], config["MaximumRetryAttempts"]) == ("live", 0)


def test_roles_get_only_logs_and_tracing_as_managed_policies(transformed: dict[str, Any]) -> None:
    for logical_id in FUNCTIONS:
        role = transformed["Resources"][f"{logical_id}Role"]["Properties"]
        assert set(role.get("ManagedPolicyArns", [])) <= MANAGED_OK, logical_id


def test_the_schedule_may_invoke_only_the_retrain_function(transformed: dict[str, Any]) -> None:
    res = transformed["Resources"]
    (schedule,) = _of_type(res, "AWS::Scheduler::Schedule").values()
    target = schedule["Properties"]["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["RetrainFunction", "Arn"]}
    role_id = target["RoleArn"]["Fn::GetAtt"][0]
    statements = [
        s for p in res[role_id]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
    ]
    assert {json.dumps(s["Action"]) for s in statements} == {'"lambda:InvokeFunction"'}
    assert all(s["Resource"] == {"Fn::GetAtt": ["RetrainFunction", "Arn"]} for s in statements)


@pytest.mark.parametrize("source", ["LoaderFunction", "RetrainFunction"])
def test_outcomes_go_to_notify_and_nowhere_else(transformed: dict[str, Any], source: str) -> None:
    res = transformed["Resources"]
    destinations = res[f"{source}EventInvokeConfig"]["Properties"]["DestinationConfig"]
    assert set(destinations) == {"OnSuccess", "OnFailure"}
    assert {d["Destination"]["Fn::GetAtt"][0] for d in destinations.values()} == {"NotifyFunction"}
    role = res[f"{source}Role"]["Properties"]
    invokes = [
        s
        for p in role["Policies"]
        for s in p["PolicyDocument"]["Statement"]
        if "lambda:InvokeFunction" in json.dumps(s["Action"])
    ]
    assert invokes
    assert all(s["Resource"] == {"Fn::GetAtt": ["NotifyFunction", "Arn"]} for s in invokes)


def test_only_slack_reaches_the_bot_publicly(transformed: dict[str, Any]) -> None:
    """The public permissions SAM adds are for the Function URL only; the others name their
    AWS service as the principal."""
    for name, perm in _of_type(transformed["Resources"], "AWS::Lambda::Permission").items():
        props = perm["Properties"]
        if props["Principal"] == "*":
            assert props["FunctionName"] == {"Ref": "BotFunctionAliaslive"}, name
            assert props.get("FunctionUrlAuthType") == "NONE" or props.get(
                "InvokedViaFunctionUrl"
            ), name
        else:
            assert props["Principal"] in {"s3.amazonaws.com", "events.amazonaws.com"}, name
