"""What the admin channel reads, from the events SageMaker sends (no AWS, no Slack here)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.text import SECTION_TEXT_LIMIT
from infra.admin_messages import (
    activation_message,
    completed_message,
    ended_badly_message,
    load_failed_message,
    loader_messages,
    manifest_summary,
    retrain_messages,
)
from infra.job_event import JobEvent
from infra.job_names import job_name_for, started_at, started_at_from_name
from tests.fixtures.aws_events import sagemaker_state_change
from tests.fixtures.mrkdwn import HOSTILE, assert_defused, rendered

state_change = sagemaker_state_change


MANIFEST = {
    "version": "20300102-031500-ab12",
    "counts": {"movies": 712345, "akas": 1800000},
    "k": 40,
    "metrics": {
        "movies": 712345,
        "k": 40,
        "inertia": 123456.7,
        "silhouette": 0.18234,
        "cluster_sizes": [10, 300000, 2000, 410335],
    },
    "clusters": {"0": "silent shorts", "1": "2010s dramas", "3": "1990s crime dramas, well rated"},
    "seconds": 181.4,
}


def test_completed_carries_version_summary_duration_and_links() -> None:
    job = JobEvent.from_event(
        state_change(
            "Completed",
            ModelArtifacts={
                "S3ModelArtifacts": "s3://b/models/moviebot-20300102-030405/output/model.tar.gz"
            },
        )
    )
    text, blocks = completed_message(job, MANIFEST)
    assert "moviebot-20300102-030405" in text and "20300102-031500-ab12" in text
    body = blocks[0]["text"]["text"]
    assert "712,345 movies" in body and "40 clusters" in body and "silhouette 0.182" in body
    assert "60 min" in body  # TrainingStartTime -> TrainingEndTime
    links = blocks[1]["elements"][0]["text"]
    assert "region=eu-west-1#/jobs/moviebot-20300102-030405" in links
    assert "model.tar.gz" in links


def test_completed_without_a_readable_manifest_still_says_so() -> None:
    job = JobEvent.from_event(state_change("Completed"))
    text, blocks = completed_message(job, None)
    assert "completed" in text
    assert "could not be read" in blocks[0]["text"]["text"]


@pytest.mark.parametrize(("status", "word"), [("Failed", "failed"), ("Stopped", "stopped")])
def test_failed_and_stopped_give_the_reason(status: str, word: str) -> None:
    job = JobEvent.from_event(
        state_change(status, FailureReason="AlgorithmError: MemoryError at fit")
    )
    text, blocks = ended_badly_message(job)
    assert f"{word} after 60 min: AlgorithmError: MemoryError at fit" in text
    assert "MemoryError" in blocks[0]["text"]["text"]


def test_a_different_event_is_refused() -> None:
    event = state_change("Completed")
    event["detail-type"] = "Object Created"
    with pytest.raises(ValueError, match="SageMaker Training Job State Change"):
        JobEvent.from_event(event)


def test_activation_message() -> None:
    text, blocks = activation_message("v7", 712345, 95.4, MANIFEST)
    assert text == "Now serving model v7: 712,345 movies (loaded in 95 s)"
    assert "40 clusters" in blocks[0]["text"]["text"]


def test_summary_shows_telling_metrics_and_the_largest_named_clusters() -> None:
    assert manifest_summary(MANIFEST) == [
        "712,345 movies, 1,800,000 akas",
        "40 clusters",
        "silhouette 0.182, inertia 1.23e+05",  # the counts are not repeated; lists are left out
        "largest clusters: 1990s crime dramas, well rated (410,335); 2010s dramas (300,000);"
        " cluster 2 (2,000)",
        "trained in 181 s",
    ]


def test_job_names_carry_the_runs_started_at() -> None:
    from datetime import UTC, datetime

    when = datetime(2030, 1, 2, 3, 4, 5, 999, tzinfo=UTC)
    name = job_name_for("moviebot", when)
    assert name == "moviebot-20300102-030405"
    assert started_at_from_name(name) == started_at(when) == "2030-01-02T03:04:05+00:00"
    assert started_at_from_name("someone-elses-job") is None


def retrain_record(
    request: dict[str, Any], response: Any, condition: str = "Success"
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "requestContext": {"condition": condition, "functionArn": "arn:aws:lambda:::function:x"},
        "requestPayload": request,
        "responsePayload": response,
    }


def test_retrain_outcomes() -> None:
    started = retrain_messages(
        retrain_record(
            {"source": "slack", "requested_by": "U0ADMIN1"},
            {
                "status": "started",
                "job_name": "moviebot-1",
                "detail": "refreshed title.akas.tsv.gz",
            },
        )
    )
    assert [text for text, _ in started] == [
        "Training job moviebot-1 started (requested by <@U0ADMIN1>)"
    ]
    busy = retrain_messages(
        retrain_record(
            {"source": "schedule", "requested_by": "schedule"},
            {"status": "already_running", "job_name": "moviebot-1", "detail": ""},
        )
    )
    assert busy[0][0] == (
        "Retraining requested by schedule: moviebot-1 is still in progress, so none was started"
    )
    crashed = retrain_messages(
        retrain_record(
            {"requested_by": "U0ADMIN1"},
            {"errorType": "RefreshError", "errorMessage": "imdb unreachable", "stackTrace": ["x"]},
            "RetriesExhausted",
        )
    )
    assert crashed[0][0] == (
        "Retraining requested by <@U0ADMIN1> started no job: RefreshError: imdb unreachable"
    )
    assert "stackTrace" not in json.dumps(crashed[0][1])


# ------------------------------------------------ text from outside is escaped, not markup


def test_a_failure_reason_cannot_ping_link_or_break_out_of_its_code_block() -> None:
    reason = f"{HOSTILE}\n```\nTraceback: {HOSTILE}"
    job = JobEvent.from_event(state_change("Failed", FailureReason=reason))
    text, blocks = ended_badly_message(job)
    assert_defused(text)
    assert_defused(rendered(blocks))
    body = blocks[0]["text"]["text"]
    assert body.count("```") == 2  # the block the builder opened and closed, nothing else
    assert "*boom*" in body  # inside code Slack formats nothing: the reason reads as it was


def test_versions_names_and_s3_paths_of_a_completed_job_are_escaped() -> None:
    manifest = {
        **MANIFEST,
        "version": HOSTILE,
        "counts": {HOSTILE: 5},
        "clusters": {"1": HOSTILE, "3": HOSTILE},
    }
    job = JobEvent.from_event(
        state_change(
            "Completed",
            ModelArtifacts={"S3ModelArtifacts": "s3://b/models/<!channel>|x>/model.tar.gz"},
        )
    )
    text, blocks = completed_message(job, manifest)
    assert_defused(text)
    assert_defused(rendered(blocks))


def test_loader_errors_and_paths_are_escaped_and_a_key_copies_as_it_is() -> None:
    key = "models/moviebot_2030-01/output/model.tar.gz"
    crashed = {
        "requestContext": {"condition": "RetriesExhausted"},
        "requestPayload": {"Records": [{"s3": {"bucket": {"name": "b"}, "object": {"key": key}}}]},
        "responsePayload": {"errorType": "LoadError", "errorMessage": HOSTILE},
    }
    ((text, blocks),) = loader_messages(crashed)
    assert_defused(text)
    assert_defused(rendered(blocks))
    assert f"`s3://b/{key}`" in blocks[0]["text"]["text"]  # underscores and all

    refused = {
        "requestContext": {"condition": "Success"},
        "requestPayload": {"Records": []},
        "responsePayload": {
            "results": [
                {"loaded": False, "source": f"s3://b/{HOSTILE}", "error": HOSTILE},
                {"loaded": True, "activated": True, "version": HOSTILE, "summary": HOSTILE},
            ]
        },
    }
    messages = loader_messages(refused)
    assert len(messages) == 2
    for message in messages:
        assert_defused(rendered(message))


def test_retrain_errors_requesters_and_job_details_are_escaped() -> None:
    crashed = retrain_messages(
        retrain_record(
            {"requested_by": HOSTILE},
            {"errorType": "RefreshError", "errorMessage": HOSTILE},
            "RetriesExhausted",
        )
    )
    started = retrain_messages(
        retrain_record(
            {"requested_by": "U0ADMIN1"},
            {"status": "started", "job_name": HOSTILE, "detail": HOSTILE},
        )
    )
    for message in (*crashed, *started):
        assert_defused(rendered(message))
    assert "<@U0ADMIN1>" in started[0][0]  # a Slack user id still becomes a mention


def test_a_reason_full_of_entities_still_fits_a_section() -> None:
    """Escaping lengthens text (`<` is four characters): Slack refuses a section over 3000."""
    for text, blocks in (
        ended_badly_message(JobEvent.from_event(state_change("Failed", FailureReason="<" * 1024))),
        load_failed_message("s3://b/" + "&" * 2000, "<>" * 5000),
    ):
        assert len(blocks[0]["text"]["text"]) <= SECTION_TEXT_LIMIT
        assert "&lt;" in text or "&amp;" in text
