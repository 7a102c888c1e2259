"""template.yaml's functions as a deploy sets them up: handler, environment, memory and timeout
read from the template, its references resolved against the local stand-ins of the stack's
resources. A variable added to the template reaches the rehearsal without being repeated here;
one the rehearsal cannot resolve fails it by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.unit.infra.cfn import FUNCTIONS, function_env, resource, substitute

REGION = "us-east-1"
ACCOUNT = "123456789012"
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}


@dataclass(frozen=True)
class Resolver:
    """Ref, Fn::GetAtt ("Name.Attribute"), Fn::Sub and Fn::FindInMap over known values."""

    template: dict[str, Any]
    values: Mapping[str, str]

    def __call__(self, value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, str | int | float):
            return str(value)
        (function, argument), *rest = value.items()
        assert not rest, f"not one intrinsic function: {value!r}"
        if function == "Ref":
            return self._known(argument)
        if function == "Fn::GetAtt":
            return self._known(".".join(argument) if isinstance(argument, list) else argument)
        if function == "Fn::Sub":
            if isinstance(argument, str):
                return substitute(argument, dict(self.values))
            text, names = argument
            return substitute(text, {**self.values, **{k: self(v) for k, v in names.items()}})
        if function == "Fn::FindInMap":
            mapping, top, second = (self(part) for part in argument)
            return str(self.template["Mappings"][mapping][top][second])
        raise AssertionError(f"the rehearsal cannot resolve {function}: {value!r}")

    def _known(self, name: str) -> str:
        assert name in self.values, f"the rehearsal has no local value for {name}"
        return self.values[name]

    def with_values(self, more: Mapping[str, str]) -> Resolver:
        return Resolver(self.template, {**self.values, **more})


def stack_values(
    template: dict[str, Any], parameters: Mapping[str, str], resources: Mapping[str, str]
) -> Resolver:
    """A resolver for the stack: parameter defaults overridden by `parameters`, the local
    `resources` (logical id or "Id.Attribute" -> value), and the names the template gives the
    bucket and the functions itself."""
    values = dict(PSEUDO)
    for name, spec in template["Parameters"].items():
        if "Default" in spec:
            values[name] = str(spec["Default"])
    values.update(parameters)
    values.update(resources)
    resolve = Resolver(template, values)
    named = {"DataBucket": resolve(resource(template, "DataBucket")["Properties"]["BucketName"])}
    for logical_id in FUNCTIONS:
        named[logical_id] = resolve(resource(template, logical_id)["Properties"]["FunctionName"])
    return resolve.with_values(named)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    arn: str  # what the function is invoked as (the alias, when the template publishes one)
    handler: str
    memory_mb: int
    timeout_seconds: int
    environment: dict[str, str]

    @classmethod
    def from_template(cls, resolve: Resolver, logical_id: str) -> FunctionSpec:
        template = resolve.template
        props = resource(template, logical_id)["Properties"]
        defaults = template["Globals"]["Function"]
        name = resolve(props["FunctionName"])
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        if "AutoPublishAlias" in props:
            arn += f":{resolve(props['AutoPublishAlias'])}"
        return cls(
            logical_id=logical_id,
            name=name,
            arn=arn,
            handler=props["Handler"],
            memory_mb=int(resolve(props.get("MemorySize", defaults.get("MemorySize", 128)))),
            timeout_seconds=int(resolve(props.get("Timeout", defaults.get("Timeout", 3)))),
            environment={k: resolve(v) for k, v in function_env(template, logical_id).items()},
        )
