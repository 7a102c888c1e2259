"""template.yaml as plain data, read with cfn-lint's own decoder (it understands !Ref, !Sub,
!GetAtt ... and gives Fn:: dicts), and small helpers the template tests share."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "template.yaml"
FUNCTIONS = ("BotFunction", "LoaderFunction", "RetrainFunction", "NotifyFunction")


@cache
def _load() -> str:
    template, matches = decode(str(TEMPLATE))
    assert not matches, f"template.yaml does not parse: {matches}"
    return json.dumps(template)  # plain dicts and strings, no decoder node classes


def load_template() -> dict[str, Any]:
    """A fresh copy each call, so a test cannot change what another one reads."""
    result: dict[str, Any] = json.loads(_load())
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resource(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"][logical_id]
    return found


def function_env(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    """The function's environment as Lambda sees it: Globals merged with its own."""
    env = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    own = resource(template, logical_id)["Properties"].get("Environment", {})
    env.update(own.get("Variables", {}))
    return env


def statements(template: dict[str, Any], logical_id: str) -> list[dict[str, Any]]:
    """Every IAM statement a function's Policies grant (inline statements only: SAM policy
    templates would hide their actions from these checks, so the template uses none)."""
    result: list[dict[str, Any]] = []
    for policy in as_list(resource(template, logical_id)["Properties"].get("Policies", [])):
        assert isinstance(policy, dict) and "Statement" in policy, (
            f"{logical_id}: policy {policy!r} is not an inline statement list"
        )
        result.extend(as_list(policy["Statement"]))
    return result


def role_statements(template: dict[str, Any], logical_id: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for policy in resource(template, logical_id)["Properties"]["Policies"]:
        result.extend(as_list(policy["PolicyDocument"]["Statement"]))
    return result


def allowed_actions(stmts: list[dict[str, Any]]) -> set[str]:
    return {a for s in stmts if s["Effect"] == "Allow" for a in as_list(s["Action"])}


def substitute(text: str, values: dict[str, str]) -> str:
    """Fn::Sub of a plain string with the given values for ${Name} / ${AWS::Pseudo}."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no value for ${{{name}}} in {text!r}"
        return values[name]

    return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", one, text)


def create_table_args(template: dict[str, Any]) -> dict[str, Any]:
    """The template's table as DynamoDB CreateTable arguments (the keys TABLE_DEFINITION has)."""
    props = resource(template, "Table")["Properties"]
    return {
        key: props[key]
        for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        if key in props
    }
