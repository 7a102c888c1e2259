"""The typed manifest: checked once when an artifact is read, read back leniently from a store,
and written back with every key it was given (manifest_from_training.json is what training
wrote before the manifest was typed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.artifact import read_manifest
from bot.core.manifest import ArtifactError, Manifest

FROM_TRAINING = Path(__file__).with_name("manifest_from_training.json")


def training_manifest() -> dict[str, Any]:
    return json.loads(FROM_TRAINING.read_text(encoding="utf-8"))


def test_a_manifest_written_by_earlier_training_reads_typed_and_writes_back_byte_for_byte(
    tmp_path: Path,
) -> None:
    text = FROM_TRAINING.read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    manifest = read_manifest(tmp_path)
    assert manifest.version == "20261201T142653Z-e99da1"
    assert manifest.created_at == "2026-12-01T14:26:53Z"
    assert manifest.counts["movies"] == 380 and manifest.counts["akas"] == 1605
    assert manifest.k == 8
    assert manifest.features and manifest.features[:2] == ("genres", "regions")
    assert manifest.coordinates == ("pc1", "pc2", "pc3", "pc4", "pc5")
    assert manifest.libraries and manifest.libraries["scikit-learn"] == "1.9.1"
    assert manifest.clusters and manifest.clusters["0"] == "2010s dramas, well rated"
    assert manifest.seconds == 9.1
    assert sum(manifest.cluster_sizes) == 380 and len(manifest.cluster_sizes) == 8
    assert manifest.scalar_metrics["silhouette"] == pytest.approx(0.20396, abs=1e-5)
    assert "cluster_sizes" not in manifest.scalar_metrics  # a list, not one number
    assert manifest.extra == {}  # every key training writes is a typed field
    assert json.dumps(manifest.to_dict(), indent=2) == text  # as training writes it


def test_unknown_keys_are_kept_and_written_back() -> None:
    data = {**training_manifest(), "notes": {"by": "hand"}, "dataset": "imdb-2026-11"}
    manifest = Manifest.from_dict(data)
    assert manifest.extra == {"notes": {"by": "hand"}, "dataset": "imdb-2026-11"}
    assert manifest.to_dict() == data
    assert Manifest.from_dict(manifest.to_dict()) == manifest


def test_absent_optional_keys_stay_absent() -> None:
    data = {"version": "v1", "created_at": "x", "counts": {"movies": 3}, "k": 2, "metrics": {}}
    manifest = Manifest.from_dict(data)
    assert manifest.features is None and manifest.clusters is None and manifest.seconds is None
    assert manifest.metrics == {} and manifest.cluster_sizes == ()
    assert manifest.to_dict() == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "../../etc"}, "version '../../etc' must be 1-128 letters, digits or ._:+-"),
        ({"version": 7}, "version 7 must be 1-128 letters, digits or ._:+-"),
        ({"counts": []}, "counts.movies must be a whole number"),
        ({"counts": {"akas": 3}}, "counts.movies must be a whole number"),
        ({"counts": {"movies": "many"}}, "counts.movies must be a whole number"),
        ({"counts": {"movies": True}}, "counts.movies must be a whole number"),
        ({"counts": {"movies": -1}}, "counts.movies must be a whole number"),
        ({"counts": {"movies": 3, "akas": 2.5}}, "counts.akas must be a whole number"),
        ({"k": "forty"}, "k must be a whole number"),
        ({"created_at": 20261121}, "created_at must be a string"),
        ({"features": "genres"}, "features must be a list"),
        ({"coordinates": ["pc1", 2]}, "coordinates[1] must be a string"),
        ({"libraries": {"numpy": 2}}, "libraries.numpy must be a string"),
        ({"metrics": [1, 2]}, "metrics must be an object"),
        ({"clusters": ["dramas"]}, "clusters must be an object"),
        ({"seconds": "9.1"}, "seconds must be a number"),
    ],
)
def test_a_bad_value_is_refused_in_one_line(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ArtifactError) as refused:
        Manifest.from_dict({**training_manifest(), **change})
    assert str(refused.value) == f"manifest.json: {message}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"version": "v1", "counts": {"movies": 1}}, "missing created_at, k"),
    ],
)
def test_a_manifest_that_is_not_one_is_refused(data: object, message: str) -> None:
    with pytest.raises(ArtifactError) as refused:
        Manifest.from_dict(data, source="m.json")
    assert str(refused.value) == f"m.json: {message}"


def test_read_manifest_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({**training_manifest(), "k": None}))
    with pytest.raises(ArtifactError) as refused:
        read_manifest(tmp_path)
    assert str(refused.value) == f"{tmp_path / 'manifest.json'}: k must be a whole number"


def test_a_stored_copy_reads_back_without_refusing_and_loses_nothing() -> None:
    # What an older loader let through, or a hand-made store: odd values are kept aside, unread.
    stored = {"version": "v1", "k": "forty", "counts": {"movies": 3, "akas": "?"}, "movies": 3}
    manifest = Manifest.from_stored(stored, version="v1")
    assert manifest.k is None and manifest.counts == {}
    assert manifest.extra == {"k": "forty", "counts": {"movies": 3, "akas": "?"}, "movies": 3}
    assert manifest.to_dict() == stored


def test_a_stored_copy_without_a_version_takes_the_stores_key() -> None:
    assert Manifest.from_stored({"k": 4}, version="v2") == Manifest(version="v2", k=4)
    assert Manifest.from_stored(["not", "an", "object"], version="v2") == Manifest(version="v2")


def test_what_training_builds_round_trips_through_a_store() -> None:
    manifest = Manifest.from_dict(training_manifest())
    stored = json.loads(json.dumps(manifest.to_dict()))
    assert Manifest.from_stored(stored, version=manifest.version) == manifest


def test_centres_are_typed_and_round_trip_exactly() -> None:
    centres = [[0.5, -1, 2.25, 0.0, 1e-4] for _ in range(8)]  # an int stays an int
    data = {**training_manifest(), "centres": centres}
    manifest = Manifest.from_dict(data)
    assert manifest.centres is not None and len(manifest.centres) == 8
    assert manifest.centres[0] == (0.5, -1, 2.25, 0.0, 1e-4)
    assert manifest.to_dict() == data
    stored = json.loads(json.dumps(manifest.to_dict()))
    assert Manifest.from_stored(stored, version=manifest.version) == manifest


@pytest.mark.parametrize(
    ("centres", "message"),
    [
        ("near", "centres must be a list"),
        ([[0.0] * 5] * 7, "centres holds 7 points, k is 8"),
        ([[0.0] * 4] * 8, "centres must each have one number per coordinate (5)"),
        ([[0.0] * 5] * 7 + [[0.0, "x", 0, 0, 0]], "centres[7][1] must be a number"),
    ],
)
def test_bad_centres_are_refused_in_one_line(centres: object, message: str) -> None:
    with pytest.raises(ArtifactError) as refused:
        Manifest.from_dict({**training_manifest(), "centres": centres})
    assert str(refused.value) == f"manifest.json: {message}"
