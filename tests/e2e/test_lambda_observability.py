"""The bot's Lambda writes what CloudWatch reads: Powertools JSON log lines carrying the service
and the function, and its metrics in the Embedded Metric Format (bot/adapters/observability.py,
shared with the other Lambdas)."""

from __future__ import annotations

from tests.e2e.conftest import LambdaBot
from tests.fixtures.lambda_output import LambdaOutput


def test_the_bot_logs_json_lines_and_counts_requests_and_answers(
    lambda_bot: LambdaBot, lambda_output: LambdaOutput
) -> None:
    lambda_bot.command("alien")

    metrics = lambda_output.metrics()
    assert metrics["Requests"] == [1] and metrics["LazyRuns"] == [1]
    assert metrics["Matches"] == [1] and len(metrics["AnswerLatency"]) == 1
    [answered] = [
        line
        for line in lambda_output.logs()
        if line["message"] == "answered" and line["name"].startswith("bot.")
    ]
    assert answered["level"] == "INFO" and answered["service"] == "moviebot"
    assert answered["function_name"] == "moviebot-bot" and answered["lazy"] is True
