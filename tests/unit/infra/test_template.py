"""template.yaml against what the code relies on: handlers, environment variable names, the
table's keys and index, the events each function gets, and IAM: each function's actions are
exactly what its code calls, no `*` action, `*` resources only where AWS allows nothing else."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import fields
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.night_timer import schedule_name
from bot.adapters.slack_secret import BOT_TOKEN_KEY, SIGNING_SECRET_KEY
from bot.adapters.store.dynamodb import BOT_WRITE_PK_PREFIXES
from bot.adapters.store.dynamodb_schema import EXPIRES_AT, TABLE_DEFINITION
from bot.config import ConfigError, RetrainSettings, Settings
from infra.job_names import job_name_for
from infra.training_job import MODELS_PREFIX
from tests.unit.infra.cfn import (
    FUNCTIONS,
    allowed_actions,
    as_list,
    create_table_args,
    function_env,
    load_template,
    resource,
    role_statements,
    statements,
)

# What each function's code calls (keep in step with the code; the integration tests run it).
EXPECTED_ACTIONS = {
    # store reads (GetItem/Query), marks (PutItem/DeleteItem), the Slack secret,
    # lazy listeners invoking the function itself and the admin's retrain invoking the retrainer
    "BotFunction": {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",  # the per-user rate limit's counter
        "dynamodb:DeleteItem",
        "secretsmanager:GetSecretValue",
        "lambda:InvokeFunction",
        "scheduler:CreateSchedule",  # a movie night's closing time
        "scheduler:DeleteSchedule",  # ... cancelled when it is closed by hand
        "iam:PassRole",  # ... run with the night scheduler role
    },
    # the artifact from S3; a version written, verified, switched (transaction), old ones deleted;
    # the Slack secret for the activation announcement
    "LoaderFunction": {
        "s3:GetObject",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "secretsmanager:GetSecretValue",
    },
    # single flight, create the job (tagged), pass its role; refresh IMDb / upload the code;
    # record the run, and the end of a recorded run whose job ended unannounced
    "RetrainFunction": {
        "sagemaker:ListTrainingJobs",
        "sagemaker:CreateTrainingJob",
        "sagemaker:AddTags",
        "sagemaker:DescribeTrainingJob",
        "iam:PassRole",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "dynamodb:PutItem",
        "dynamodb:Query",
    },
    # the manifest out of model.tar.gz, the run's end, the Slack secret
    "NotifyFunction": {"s3:GetObject", "dynamodb:PutItem", "secretsmanager:GetSecretValue"},
}
# Actions AWS offers no resource-level permission for: "*" is the only resource they take.
STAR_RESOURCE_OK = {
    "sagemaker:ListTrainingJobs",
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


# ------------------------------------------------------------------ functions


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_function_is_python312_on_arm_built_by_the_makefile(
    template: dict[str, Any], logical_id: str
) -> None:
    fn = resource(template, logical_id)
    globals_ = template["Globals"]["Function"]
    props = fn["Properties"]
    assert props.get("Runtime", globals_.get("Runtime")) == "python3.12"
    assert props.get("Architectures", globals_.get("Architectures")) == ["arm64"]
    assert fn["Metadata"]["BuildMethod"] == "makefile"
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    assert f"build-{logical_id}" in makefile


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_handler_exists(template: dict[str, Any], logical_id: str) -> None:
    module_name, _, attr = resource(template, logical_id)["Properties"]["Handler"].rpartition(".")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attr, None)), f"{module_name}.{attr} is not a function"


def test_bot_function_url_alias_and_no_retries(template: dict[str, Any]) -> None:
    props = resource(template, "BotFunction")["Properties"]
    assert props["FunctionUrlConfig"]["AuthType"] == "NONE"
    assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    assert props["AutoPublishAlias"]
    # enough memory for the warm index (issue: at most 300 MB resident) and the packages
    memory = template["Parameters"][props["MemorySize"]["Ref"]]
    assert memory["Default"] >= 1024
    assert template["Outputs"]["BotFunctionUrl"]["Value"] == {
        "Fn::GetAtt": ["BotFunctionUrl", "FunctionUrl"]
    }


def test_bot_cold_starts_resume_from_a_snapshot_of_its_published_versions(
    template: dict[str, Any],
) -> None:
    props = resource(template, "BotFunction")["Properties"]
    # SnapStart snapshots published versions only: the alias the Function URL serves is one.
    assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert props["AutoPublishAlias"]
    # ...and it refuses provisioned concurrency, EFS and more than 512 MB of /tmp.
    assert "ProvisionedConcurrencyConfig" not in props and "FileSystemConfigs" not in props
    assert props.get("EphemeralStorage", {"Size": 512})["Size"] <= 512


def _evaluate(node: Any, template: dict[str, Any], parameters: dict[str, Any]) -> Any:
    """The few intrinsics a condition on a parameter uses (Ref, Fn::Equals/Not/If)."""
    if not isinstance(node, dict) or len(node) != 1:
        return node
    [(name, arg)] = node.items()
    if name == "Ref":
        return parameters.get(arg, arg)
    if name == "Fn::Equals":
        left, right = (_evaluate(a, template, parameters) for a in arg)
        return str(left) == str(right)
    if name == "Fn::Not":
        return not _evaluate(arg[0], template, parameters)
    if name == "Fn::If":
        condition = _evaluate(template["Conditions"][arg[0]], template, parameters)
        return _evaluate(arg[1] if condition else arg[2], template, parameters)
    return node


@pytest.mark.parametrize(("value", "reserved"), [(0, "AWS::NoValue"), (20, 20)])
def test_bot_reserved_concurrency_is_a_parameter_none_by_default(
    template: dict[str, Any], value: int, reserved: Any
) -> None:
    parameter = template["Parameters"]["BotReservedConcurrency"]
    assert parameter["Type"] == "Number"
    # No reservation unless asked: a new account's small quota has none to spare, and 0 as a
    # reservation would stop the bot altogether.
    assert int(parameter["Default"]) == 0 and int(parameter["MinValue"]) == 0
    props = resource(template, "BotFunction")["Properties"]
    got = _evaluate(
        props["ReservedConcurrentExecutions"], template, {"BotReservedConcurrency": value}
    )
    assert got == reserved


def test_bot_may_invoke_itself_directly_and_through_its_alias(template: dict[str, Any]) -> None:
    props = resource(template, "BotFunction")["Properties"]
    name = props["FunctionName"]["Fn::Sub"]
    invoke = [
        s
        for s in statements(template, "BotFunction")
        if "lambda:InvokeFunction" in as_list(s["Action"])
    ]
    resources = {r["Fn::Sub"] for s in invoke for r in as_list(s["Resource"]) if "Fn::Sub" in r}
    arn = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + name
    assert {arn, arn + ":*"} <= resources


@pytest.mark.parametrize("logical_id", ["BotFunction", "RetrainFunction", "LoaderFunction"])
def test_async_invocations_are_not_retried(template: dict[str, Any], logical_id: str) -> None:
    props = resource(template, logical_id)["Properties"]
    assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 0


# ------------------------------------------------------------------ environment


@pytest.mark.parametrize("logical_id", ["BotFunction", "LoaderFunction", "NotifyFunction"])
def test_every_moviebot_variable_is_one_the_settings_read(
    template: dict[str, Any], logical_id: str
) -> None:
    """A misspelt name in the template would silently fall back to a default."""
    default = Settings.from_env({})
    for name in function_env(template, logical_id):
        if not name.startswith(("MOVIEBOT_", "SLACK_")):
            continue
        changed = Settings.from_env({name: "7"})  # "7": numbers must parse
        assert changed != default, f"{logical_id}: {name} is not read by bot/config.py"


def test_bot_gets_store_secret_admins_channel_retrainer_and_schedule(
    template: dict[str, Any],
) -> None:
    env = function_env(template, "BotFunction")
    assert env["MOVIEBOT_STORE"] == {"Fn::Sub": "dynamodb://${Table}"}
    assert env["MOVIEBOT_SLACK_SECRET"] == {"Ref": "SlackSecret"}
    assert env["MOVIEBOT_ADMINS"] == {"Ref": "AdminUserIds"}
    assert env["MOVIEBOT_ADMIN_CHANNEL"] == {"Ref": "AdminChannel"}
    assert env["MOVIEBOT_RETRAIN_FUNCTION"] == {"Ref": "RetrainFunction"}
    assert env["MOVIEBOT_RETRAIN_SCHEDULE"] == {"Ref": "RetrainSchedule"}
    # a run recorded as in progress for longer than a job can live does not block a retrain
    assert env["MOVIEBOT_MAX_RUNTIME"] == {"Ref": "TrainingMaxRuntimeSeconds"}
    # tokens never travel in the environment
    assert not {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} & set(env)


def test_retrain_environment_is_complete_and_every_name_is_read(template: dict[str, Any]) -> None:
    env = function_env(template, "RetrainFunction")
    base = {name: "7" for name in env}  # any value; numbers must parse
    RetrainSettings.from_env(base)  # raises if a name the code requires is missing

    def read(name: str) -> bool:
        for a, b in (("7", "9"), ("true", "false")):
            try:
                if RetrainSettings.from_env({**base, name: a}) != RetrainSettings.from_env(
                    {**base, name: b}
                ):
                    return True
            except ConfigError:
                return True  # validated, so read
        return False

    unread = [name for name in env if name.startswith("MOVIEBOT_") and not read(name)]
    assert not unread, f"RetrainFunction: {unread} not read by bot/config.py"


def test_settings_field_names_cover_the_template_parameters(template: dict[str, Any]) -> None:
    env = function_env(template, "RetrainFunction")
    names = {f.name for f in fields(RetrainSettings)}
    assert {"bucket", "job_prefix", "role_arn", "image_uri"} <= names
    assert env["MOVIEBOT_JOB_PREFIX"] == {"Ref": "NamePrefix"}
    assert env["MOVIEBOT_SAGEMAKER_ROLE"] == {"Fn::GetAtt": ["SageMakerRole", "Arn"]}


# ------------------------------------------------------------------ data


def test_table_declares_exactly_the_store_schema(template: dict[str, Any]) -> None:
    args = create_table_args(template)

    def canonical(definition: dict[str, Any]) -> str:
        data = dict(definition)
        data["AttributeDefinitions"] = sorted(
            data["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        )
        return json.dumps(data, sort_keys=True)

    assert canonical(args) == canonical(TABLE_DEFINITION)


def test_table_on_demand_with_recovery_and_ttl(template: dict[str, Any]) -> None:
    props = resource(template, "Table")["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    ttl = props["TimeToLiveSpecification"]
    assert ttl["Enabled"] is True
    assert ttl["AttributeName"] == EXPIRES_AT  # what the store writes on expiring items
    key_names = {a["AttributeName"] for a in props["AttributeDefinitions"]}
    assert ttl["AttributeName"] not in key_names  # a key attribute cannot expire items
    assert resource(template, "Table")["DeletionPolicy"] == "Retain"


def test_bucket_encrypted_private_and_old_models_expire(template: dict[str, Any]) -> None:
    props = resource(template, "DataBucket")["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    block = props["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rules = {r["Prefix"]: r for r in props["LifecycleConfiguration"]["Rules"] if "Prefix" in r}
    assert MODELS_PREFIX in rules
    assert rules[MODELS_PREFIX]["ExpirationInDays"] > 0


def test_loader_is_invoked_for_the_artifacts_the_training_job_writes(
    template: dict[str, Any],
) -> None:
    event = resource(template, "LoaderFunction")["Properties"]["Events"]["ModelUploaded"]
    assert event["Type"] == "S3"
    assert event["Properties"]["Bucket"] == {"Ref": "DataBucket"}
    rules = {r["Name"]: r["Value"] for r in event["Properties"]["Filter"]["S3Key"]["Rules"]}
    # SageMaker writes OUTPUT_PATH/JOB/output/model.tar.gz; the retrain Lambda's output path
    # is s3://BUCKET/models/.
    assert rules == {"prefix": MODELS_PREFIX, "suffix": "model.tar.gz"}


def test_retrain_runs_on_the_schedule_parameter(template: dict[str, Any]) -> None:
    events = resource(template, "RetrainFunction")["Properties"]["Events"]
    (schedule,) = [e for e in events.values() if e["Type"] == "ScheduleV2"]
    assert schedule["Properties"]["ScheduleExpression"] == {"Ref": "RetrainSchedule"}
    assert json.loads(schedule["Properties"]["Input"])["source"] == "schedule"
    assert "RetrainSchedule" in template["Parameters"]


def test_notify_hears_only_this_stacks_training_jobs(template: dict[str, Any]) -> None:
    events = resource(template, "NotifyFunction")["Properties"]["Events"]
    (rule,) = [e for e in events.values() if e["Type"] == "EventBridgeRule"]
    pattern = rule["Properties"]["Pattern"]
    assert pattern["source"] == ["aws.sagemaker"]
    assert pattern["detail-type"] == ["SageMaker Training Job State Change"]
    (prefix_filter,) = pattern["detail"]["TrainingJobName"]
    prefix = prefix_filter["prefix"]["Fn::Sub"]
    # the retrain Lambda names jobs PREFIX-...: the rule's prefix must match them
    from datetime import UTC, datetime

    name = job_name_for("${NamePrefix}", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert name.startswith(prefix)
    assert set(pattern["detail"]["TrainingJobStatus"]) == {"Completed", "Failed", "Stopped"}


def test_outputs_name_what_a_user_needs(template: dict[str, Any]) -> None:
    assert {
        "BotFunctionUrl",
        "TableName",
        "DataBucketName",
        "SlackSecretArn",
        "RetrainFunctionName",
    } <= set(template["Outputs"])


def test_slack_secret_holds_the_keys_the_bot_reads(template: dict[str, Any]) -> None:
    secret = resource(template, "SlackSecret")["Properties"]["SecretString"]["Fn::Sub"]
    keys = set(
        json.loads(secret.replace("${SlackBotToken}", "a").replace("${SlackSigningSecret}", "b"))
    )
    assert keys == {BOT_TOKEN_KEY, SIGNING_SECRET_KEY}  # what bot/adapters/slack_secret.py reads
    for name in ("SlackBotToken", "SlackSigningSecret"):
        assert template["Parameters"][name]["NoEcho"] is True


@pytest.mark.parametrize(
    ("name", "example"),
    [
        ("SlackBotToken", "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("SlackSigningSecret", "8f742231b10e8888abcd99fedcba85a5"),
    ],
)
def test_slack_credentials_are_required_and_never_empty(
    template: dict[str, Any], name: str, example: str
) -> None:
    """An empty default deployed a bot that refused every request without saying why."""
    parameter = template["Parameters"][name]
    assert "Default" not in parameter, "a deploy must be given the value"
    assert 1 <= parameter["MinLength"] <= len(example)
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch(example)
    assert not pattern.fullmatch("")
    # What the secret's JSON would not survive (SlackSecret substitutes the value into it).
    assert not pattern.fullmatch('abc"def0123456789') and not pattern.fullmatch("abc def0123456789")


# ------------------------------------------------------------------ IAM


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_function_gets_exactly_the_actions_its_code_calls(
    template: dict[str, Any], logical_id: str
) -> None:
    assert allowed_actions(statements(template, logical_id)) == EXPECTED_ACTIONS[logical_id]


@pytest.mark.parametrize("logical_id", [*FUNCTIONS, "SageMakerRole", "NightSchedulerRole"])
def test_no_star_actions_and_star_resources_only_where_unavoidable(
    template: dict[str, Any], logical_id: str
) -> None:
    stmts = (
        role_statements(template, logical_id)
        if logical_id.endswith("Role")
        else statements(template, logical_id)
    )
    for stmt in stmts:
        actions = as_list(stmt["Action"])
        assert all("*" not in action for action in actions), stmt
        if "*" in as_list(stmt["Resource"]):
            assert set(actions) <= STAR_RESOURCE_OK, stmt


def test_pass_role_only_for_each_functions_own_role_to_its_own_service(
    template: dict[str, Any],
) -> None:
    passing = {
        fn: s
        for fn in FUNCTIONS
        for s in statements(template, fn)
        if "iam:PassRole" in as_list(s["Action"])
    }
    assert set(passing) == {"RetrainFunction", "BotFunction"}
    for fn, role, service in (
        ("RetrainFunction", "SageMakerRole", "sagemaker.amazonaws.com"),
        ("BotFunction", "NightSchedulerRole", "scheduler.amazonaws.com"),
    ):
        stmt = passing[fn]
        assert as_list(stmt["Action"]) == ["iam:PassRole"]
        assert stmt["Resource"] == {"Fn::GetAtt": [role, "Arn"]}
        assert stmt["Condition"] == {"StringEquals": {"iam:PassedToService": service}}


def test_night_closing_schedules_invoke_the_bot_and_only_in_this_stacks_group(
    template: dict[str, Any],
) -> None:
    group = resource(template, "NightScheduleGroup")
    assert group["Type"] == "AWS::Scheduler::ScheduleGroup"
    assert group["Properties"]["Name"] == {"Fn::Sub": "${NamePrefix}-nights"}
    (create,) = [
        s
        for s in statements(template, "BotFunction")
        if "scheduler:CreateSchedule" in as_list(s["Action"])
    ]
    assert as_list(create["Action"]) == ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"]
    assert create["Resource"]["Fn::Sub"].endswith(":schedule/${NightScheduleGroup}/night-*")
    assert schedule_name("any night").startswith("night-")  # what the code names them
    env = function_env(template, "BotFunction")
    assert env["MOVIEBOT_NIGHT_SCHEDULE_GROUP"] == {"Ref": "NightScheduleGroup"}
    assert env["MOVIEBOT_NIGHT_SCHEDULER_ROLE"] == {"Fn::GetAtt": ["NightSchedulerRole", "Arn"]}
    bot = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${NamePrefix}-bot"
    assert env["MOVIEBOT_NIGHT_CLOSE_TARGET"] == {"Fn::Sub": bot + ":live"}
    role = resource(template, "NightSchedulerRole")["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    stmts = role_statements(template, "NightSchedulerRole")
    assert allowed_actions(stmts) == {"lambda:InvokeFunction"}
    assert {r["Fn::Sub"] for s in stmts for r in as_list(s["Resource"])} == {bot, bot + ":*"}


def test_training_jobs_are_created_only_under_this_stacks_prefix(template: dict[str, Any]) -> None:
    (stmt,) = [
        s
        for s in statements(template, "RetrainFunction")
        if "sagemaker:CreateTrainingJob" in as_list(s["Action"])
    ]
    assert stmt["Resource"]["Fn::Sub"].endswith(":training-job/${NamePrefix}-*")


def test_sagemaker_role_is_for_sagemaker_and_writes_only_models_and_checkpoints(
    template: dict[str, Any],
) -> None:
    role = resource(template, "SageMakerRole")["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    writes = [
        s
        for s in role_statements(template, "SageMakerRole")
        if "s3:PutObject" in as_list(s["Action"])
    ]
    targets = {r["Fn::Sub"] for s in writes for r in as_list(s["Resource"])}
    assert targets == {"${DataBucket.Arn}/models/*", "${DataBucket.Arn}/checkpoints/*"}


DYNAMODB_WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
}


def _bot_write_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in statements(template, "BotFunction")
        if s["Effect"] == "Allow" and DYNAMODB_WRITES & set(as_list(s["Action"]))
    ]


def _leading_key_patterns(stmt: dict[str, Any]) -> set[str]:
    condition = stmt.get("Condition", {})
    patterns = condition.get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys", [])
    return set(as_list(patterns))


def test_bot_writes_only_the_items_it_owns(template: dict[str, Any]) -> None:
    writes = _bot_write_statements(template)
    assert writes, "the bot writes marks and event claims"
    expected = {f"{prefix}*" for prefix in BOT_WRITE_PK_PREFIXES}
    for stmt in writes:
        # Every statement granting a write carries the condition (and nothing else writes).
        assert _leading_key_patterns(stmt) == expected, stmt
        # ForAllValues is true for a request that has no LeadingKeys at all.
        assert stmt["Condition"]["Null"] == {"dynamodb:LeadingKeys": "false"}, stmt
        assert set(as_list(stmt["Action"])) <= DYNAMODB_WRITES, "reads stay unconditioned"
        assert as_list(stmt["Resource"]) == [{"Fn::GetAtt": ["Table", "Arn"]}]
    reads = [s for s in statements(template, "BotFunction") if s not in writes]
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= allowed_actions(reads)


@pytest.mark.parametrize(
    ("pk", "allowed"),
    [
        *((f"{prefix}U0ABC123", True) for prefix in BOT_WRITE_PK_PREFIXES),
        ("NIGHT#0a1b2c3d4e5f6a7b", True),  # a movie night: any container handles its clicks
        # the loader's and the retrainer's items: the bot reads them, never writes them
        ("ACTIVE", False),
        ("VERSION", False),
        ("RUN", False),
        ("MOVIE#v1#001", False),
        ("INDEX#v1", False),
        ("REPORT#v1", False),
        ("TOP#v1", False),
        ("USERX", False),
    ],
)
def test_bot_write_condition_matches_only_its_own_keys(
    template: dict[str, Any], pk: str, allowed: bool
) -> None:
    (stmt,) = _bot_write_statements(template)
    # StringLike: `*` is any run of characters, as in fnmatch (the patterns use no brackets).
    assert any(fnmatchcase(pk, p) for p in _leading_key_patterns(stmt)) is allowed
