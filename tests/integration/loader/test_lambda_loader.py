"""The loader Lambda (infra/loader.py, infra/loading.py): S3 event -> download -> safe
extraction (infra/model_archive.py) -> load.

S3 is moto's (no local S3 server here); the store is a real SQLite file."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from bot.adapters.store.sqlite import SqliteStore
from bot.core.artifact import TITLE_INDEX_FILE, ArtifactError, iter_akas, iter_movies
from bot.core.matching import TitleIndex
from infra.loader import handler, model_objects
from infra.model_archive import Limits, UnsafeArchive, extract_model
from tests.fixtures.aws_events import lambda_context
from tests.fixtures.lambda_output import LambdaOutput

from .helpers import version_artifact

BUCKET = "moviebot-data"
CONTEXT = lambda_context("moviebot-loader")


def tar_model(model_dir: Path, archive: Path, extra: list[tarfile.TarInfo] | None = None) -> Path:
    """model.tar.gz as SageMaker writes it (files at the top), plus any `extra` members."""
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(model_dir.iterdir()):
            tar.add(path, arcname=path.name)
        for member in extra or []:
            tar.addfile(member, io.BytesIO(b"x" * member.size) if member.isfile() else None)
    return archive


def s3_event(key: str) -> dict[str, object]:
    return {"Records": [{"s3": {"bucket": {"name": BUCKET}, "object": {"key": key}}}]}


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("MOVIEBOT_STORE", f"sqlite:///{tmp_path}/store/moviebot.sqlite")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_an_uploaded_model_is_loaded_and_activated(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model = version_artifact(tmp_path, "v1")
    index = TitleIndex.build(iter_movies(model), iter_akas(model)).to_bytes()
    (model / TITLE_INDEX_FILE).write_bytes(index)  # as training writes it
    archive = tar_model(model, tmp_path / "model.tar.gz")
    key = "models/job-1/output/model.tar.gz"
    s3.upload_file(str(archive), BUCKET, key)
    result = handler(s3_event(key), CONTEXT)
    [loaded] = result["results"]
    assert loaded["loaded"] and loaded["version"] == "v1" and loaded["movies"] == 35
    store = SqliteStore(tmp_path / "store" / "moviebot.sqlite")
    try:
        assert store.active().version == "v1"  # type: ignore[union-attr]
        assert store.title_index("v1") == index
    finally:
        store.close()
    # S3 may deliver the same event twice: harmless.
    [again] = handler(s3_event(key), CONTEXT)["results"]
    assert again["loaded"] and not again["activated"]


def test_a_bad_archive_is_reported_and_the_old_version_keeps_serving(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tar_model(version_artifact(tmp_path, "v1"), tmp_path / "good.tar.gz")
    s3.upload_file(str(good), BUCKET, "models/a/output/model.tar.gz")
    handler(s3_event("models/a/output/model.tar.gz"), CONTEXT)
    link = tarfile.TarInfo("akas.csv.gz")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    model = version_artifact(tmp_path, "v2")
    (model / "akas.csv.gz").unlink()
    evil = tar_model(model, tmp_path / "evil.tar.gz", [link])
    s3.upload_file(str(evil), BUCKET, "models/b/output/model.tar.gz")
    [result] = handler(s3_event("models/b/output/model.tar.gz"), CONTEXT)["results"]
    assert not result["loaded"] and "links are refused" in result["error"]
    store = SqliteStore(tmp_path / "store" / "moviebot.sqlite")
    try:
        assert store.active().version == "v1"  # type: ignore[union-attr]
        assert [s.version for s in store.versions()] == ["v1"]
    finally:
        store.close()


def test_other_objects_are_ignored() -> None:
    event = {
        "Records": [
            {"s3": {"bucket": {"name": BUCKET}, "object": {"key": key}}}
            for key in ("models/x/output/output.tar.gz", "models/My+Job/model.tar.gz")
        ]
    }
    assert model_objects(event) == [(BUCKET, "models/My Job/model.tar.gz")]
    # S3's event through EventBridge names one object
    bridged = {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": "models/j/model.tar.gz"}},
    }
    assert model_objects(bridged) == [(BUCKET, "models/j/model.tar.gz")]
    assert model_objects({"Records": [{"eventSource": "aws:sqs"}], "detail": {}}) == []
    assert handler({"Records": []}, CONTEXT) == {"results": []}


def test_extraction_takes_only_the_files_the_loader_reads(tmp_path: Path) -> None:
    model = version_artifact(tmp_path, "v1")
    (model / "report").mkdir()
    (model / "report" / "report.md").write_text("# report")
    (model / "report" / "sizes.png").write_bytes(b"\x89PNG plot")
    (model / "report" / "scratch.txt").write_text("not for the admin")
    (model / "pipeline.joblib").write_bytes(b"pickle")
    (model / TITLE_INDEX_FILE).write_bytes(b"index")
    out = extract_model(tar_model(model, tmp_path / "m.tar.gz"), tmp_path / "out")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "akas.csv.gz",
        "manifest.json",
        "movies.csv.gz",
        "report/report.md",
        "report/sizes.png",
        TITLE_INDEX_FILE,
    ]
    assert (out / "movies.csv.gz").read_bytes() == (model / "movies.csv.gz").read_bytes()


def test_the_report_travels_with_the_version_to_the_store(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model = version_artifact(tmp_path, "v1")
    (model / "report").mkdir()
    (model / "report" / "report.md").write_text("# Clusters")
    (model / "report" / "cluster_sizes.png").write_bytes(b"\x89PNG sizes")
    key = "models/job-2/output/model.tar.gz"
    s3.upload_file(str(tar_model(model, tmp_path / "model.tar.gz")), BUCKET, key)
    [loaded] = handler(s3_event(key), CONTEXT)["results"]
    assert loaded["activated"]
    store = SqliteStore(tmp_path / "store" / "moviebot.sqlite")
    try:
        assert store.report("v1") == {
            "cluster_sizes.png": b"\x89PNG sizes",
            "report.md": b"# Clusters",
        }
    finally:
        store.close()


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("../../movies.csv.gz", tarfile.REGTYPE, "outside"),
        ("/etc/manifest.json", tarfile.REGTYPE, "outside"),
        ("./movies.csv.gz", tarfile.LNKTYPE, "links are refused"),
        ("manifest.json", tarfile.SYMTYPE, "links are refused"),
        ("akas.csv.gz", tarfile.CHRTYPE, "not a regular file"),
    ],
)
def test_unsafe_members_are_refused(tmp_path: Path, name: str, kind: bytes, message: str) -> None:
    model = version_artifact(tmp_path, "v1")
    bare = name.rsplit("/", 1)[-1]
    if kind != tarfile.REGTYPE and (model / bare).exists():
        (model / bare).unlink()  # the hostile member replaces the real one
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
    member.size = 10 if kind == tarfile.REGTYPE else 0
    archive = tar_model(model, tmp_path / "m.tar.gz", [member])
    with pytest.raises(UnsafeArchive, match=message):
        extract_model(archive, tmp_path / "out")
    assert not (tmp_path.parent / "movies.csv.gz").exists()


def test_size_limits_are_enforced(tmp_path: Path) -> None:
    model = version_artifact(tmp_path, "v1")
    unpacked = sum(path.stat().st_size for path in model.iterdir())
    archive = tar_model(model, tmp_path / "m.tar.gz")
    extract_model(archive, tmp_path / "fits", Limits(total_bytes=unpacked))
    with pytest.raises(UnsafeArchive, match="larger than"):
        extract_model(archive, tmp_path / "a", Limits(file_bytes=100))
    with pytest.raises(UnsafeArchive, match="larger than"):
        extract_model(archive, tmp_path / "b", Limits(archive_bytes=100))
    with pytest.raises(UnsafeArchive, match="more than"):
        extract_model(archive, tmp_path / "c", Limits(total_bytes=unpacked - 1))
    with pytest.raises(UnsafeArchive, match="more than 2 files"):
        extract_model(archive, tmp_path / "d", Limits(members=2))


def test_a_corrupt_or_incomplete_archive_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(ArtifactError, match=r"not a readable tar\.gz"):
        extract_model(junk, tmp_path / "a")
    model = version_artifact(tmp_path, "v1")
    (model / "akas.csv.gz").unlink()
    with pytest.raises(ArtifactError, match=r"lacks akas\.csv\.gz"):
        extract_model(tar_model(model, tmp_path / "m.tar.gz"), tmp_path / "b")


def test_the_loader_logs_json_lines_and_counts_what_it_loads(  # type: ignore[no-untyped-def]
    s3, tmp_path: Path, lambda_output: LambdaOutput
) -> None:
    good = tar_model(version_artifact(tmp_path, "v1"), tmp_path / "good.tar.gz")
    s3.upload_file(str(good), BUCKET, "models/a/output/model.tar.gz")
    s3.put_object(Bucket=BUCKET, Key="models/b/output/model.tar.gz", Body=b"not a tarball")
    keys = ("models/a/output/model.tar.gz", "models/b/output/model.tar.gz")
    handler({"Records": [s3_event(key)["Records"][0] for key in keys]}, CONTEXT)

    metrics = lambda_output.metrics()
    assert metrics["ModelsLoaded"] == [1] and metrics["LoadFailed"] == [1]
    [seconds] = metrics["LoadSeconds"]
    assert 0 < seconds < 600
    # infra/loading.py logs with plain `logging`: its records go out as Powertools JSON lines.
    lines = lambda_output.logs_from("infra.loading")
    assert [line["level"] for line in lines] == ["INFO", "ERROR"]
    assert "s3://moviebot-data/models/a/output/model.tar.gz" in lines[0]["message"]
    for line in lines:
        assert line["service"] == "moviebot"
        assert line["function_name"] == "moviebot-loader"
