"""Fixtures shared by every test folder live in tests/fixtures/, one module per concern."""

pytest_plugins = [
    "tests.fixtures.artifacts",
    "tests.fixtures.slack_api",
    "tests.fixtures.dynamodb_local",
    "tests.fixtures.lambda_output",
]
