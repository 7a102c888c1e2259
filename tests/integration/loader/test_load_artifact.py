"""The loader on both backends: a complete load, idempotence, tidying, and deaths at every point
(between batches, in mid-batch, after the writes but before the flip, after the flip)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.store.base import Store
from bot.core.artifact import ArtifactError
from bot.core.matching import TitleIndex
from bot.core.models import VersionStatus
from bot.usecases.loader import STALE_LOAD, LoadError, load_artifact
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.fixtures.stores import StoreOpener, fill_version

from .helpers import Boom, FailingStore, die_at, snapshot, version_artifact, versioned_movies

BATCH = 5
BATCHES = -(-len(SAMPLE_MOVIES) // BATCH)


def states(store: Store) -> dict[str, VersionStatus]:
    return {s.version: s.status for s in store.versions()}


def test_a_load_makes_the_artifact_active_with_a_working_title_index(
    store: Store, tmp_path: Path
) -> None:
    report = load_artifact(version_artifact(tmp_path, "v1"), store)
    assert (report.version, report.movies, report.akas) == ("v1", len(SAMPLE_MOVIES), 7)
    assert report.activated and not report.skipped_already_active and report.previous is None
    assert report.index_bytes > 0
    assert store.active().version == "v1"  # type: ignore[union-attr]
    assert store.movie("v1", "tt0133093").title == "The Matrix [v1]"  # type: ignore[union-attr]
    index = TitleIndex.from_bytes(store.title_index("v1"))  # type: ignore[arg-type]
    assert len(index) == len(SAMPLE_MOVIES)
    resolution = index.resolve("le voyage de chihiro")  # an alternate title from akas.csv.gz
    assert resolution.match is not None and resolution.match.tconst == "tt0245429"
    assert "loaded version v1: 35 movies" in report.summary()


def test_loading_the_same_artifact_twice_is_harmless(store: Store, tmp_path: Path) -> None:
    artifact = version_artifact(tmp_path, "v1")
    load_artifact(artifact, store)
    before = snapshot(store)
    again = load_artifact(artifact, store)
    assert again.skipped_already_active and not again.activated
    assert again.movies == len(SAMPLE_MOVIES)
    assert snapshot(store) == before
    assert states(store) == {"v1": VersionStatus.COMPLETE}


def test_versions_older_than_the_previous_one_are_removed(store: Store, tmp_path: Path) -> None:
    for version in ("v1", "v2", "v3"):
        report = load_artifact(version_artifact(tmp_path, version), store)
    assert report.previous == "v2" and report.deleted == ("v1",)
    assert states(store) == {"v2": VersionStatus.COMPLETE, "v3": VersionStatus.COMPLETE}
    assert store.count_movies("v1") == 0
    report = load_artifact(version_artifact(tmp_path, "v4"), store, keep_previous=False)
    assert set(report.deleted) == {"v2", "v3"}
    assert states(store) == {"v4": VersionStatus.COMPLETE}


def test_the_previous_version_can_be_loaded_back(store: Store, tmp_path: Path) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    load_artifact(version_artifact(tmp_path, "v2"), store)
    report = load_artifact(tmp_path / "v1", store)  # a rollback: v1 is still complete
    assert report.activated and report.reused and report.previous == "v2"
    assert report.summary().startswith("switched to version v1 (35 movies, already in the store)")
    assert store.active().version == "v1"  # type: ignore[union-attr]
    assert store.movie("v1", "tt0133093").title == "The Matrix [v1]"  # type: ignore[union-attr]


@pytest.mark.parametrize("after_batches", range(1, BATCHES + 1))
def test_death_between_any_two_batches_leaves_the_previous_version_serving(
    store: Store, tmp_path: Path, after_batches: int
) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    v2 = version_artifact(tmp_path, "v2")
    with pytest.raises(Boom):
        load_artifact(v2, store, batch_size=BATCH, progress=die_at("movies", after_batches))
    assert snapshot(store) == before
    assert states(store) == {"v1": VersionStatus.COMPLETE, "v2": VersionStatus.LOADING}
    assert store.count_movies("v2") == min(after_batches * BATCH, len(SAMPLE_MOVIES))

    rerun = load_artifact(v2, store, batch_size=BATCH)
    assert rerun.activated and rerun.previous == "v1"
    after = snapshot(store)
    assert after["version"] == "v2"
    assert [m.title for m in after["pages"][0]] == [
        m.title for m in sorted(versioned_movies("v2"), key=lambda m: -m.votes) if m.cluster == 0
    ]
    assert store.count_movies("v2") == len(SAMPLE_MOVIES)


@pytest.mark.parametrize("in_call", [1, 4, BATCHES])
def test_death_in_the_middle_of_a_batch_is_finished_by_a_rerun(
    store: Store, tmp_path: Path, in_call: int
) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    v2 = version_artifact(tmp_path, "v2")
    dying = FailingStore(store, "put_movies", at=in_call, half=True)
    with pytest.raises(Boom):
        load_artifact(v2, dying, batch_size=BATCH)  # type: ignore[arg-type]
    assert snapshot(store) == before
    load_artifact(v2, store, batch_size=BATCH)
    assert store.active().version == "v2"  # type: ignore[union-attr]
    assert store.count_movies("v2") == len(SAMPLE_MOVIES)


@pytest.mark.parametrize(
    ("method", "stage"),
    [
        ("put_title_index", None),
        ("put_cluster_block", None),
        ("complete_version", None),
        ("activate", None),
        (None, "index"),
        (None, "blocks"),
        (None, "verified"),
    ],
)
def test_death_after_the_writes_but_before_the_flip(
    store: Store, tmp_path: Path, method: str | None, stage: str | None
) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    v2 = version_artifact(tmp_path, "v2")
    with pytest.raises(Boom):
        if method:
            load_artifact(v2, FailingStore(store, method))  # type: ignore[arg-type]
        else:
            load_artifact(v2, store, progress=die_at(stage or ""))
    assert snapshot(store) == before
    assert store.count_movies("v2") == len(SAMPLE_MOVIES)

    rerun = load_artifact(v2, store)
    assert rerun.activated and rerun.previous == "v1"
    assert snapshot(store)["movies"]["tt0133093"].title == "The Matrix [v2]"
    assert TitleIndex.from_bytes(store.title_index("v2")).resolve("matrix").match is not None  # type: ignore[arg-type]


def test_death_after_the_flip_is_tidied_by_a_rerun(store: Store, tmp_path: Path) -> None:
    for version in ("v1", "v2"):
        load_artifact(version_artifact(tmp_path, version), store)
    v3 = version_artifact(tmp_path, "v3")
    with pytest.raises(Boom):
        load_artifact(v3, FailingStore(store, "delete_version"))  # type: ignore[arg-type]
    assert store.active().version == "v3"  # type: ignore[union-attr]
    assert set(states(store)) == {"v1", "v2", "v3"}
    rerun = load_artifact(v3, store)
    assert rerun.skipped_already_active and rerun.deleted == ("v1",)
    assert set(states(store)) == {"v2", "v3"}


def test_an_abandoned_partial_version_is_removed_once_it_is_stale(
    store: Store, tmp_path: Path
) -> None:
    """A loading version may be another loader's work in progress: it is removed only when its
    load began longer ago than any load takes."""
    load_artifact(version_artifact(tmp_path, "v1"), store)
    with pytest.raises(Boom):
        load_artifact(version_artifact(tmp_path, "v2"), store, progress=die_at("movies"))
    report = load_artifact(version_artifact(tmp_path, "v3"), store)
    assert report.deleted == ()
    assert states(store)["v2"] is VersionStatus.LOADING

    later = datetime.now(UTC) + STALE_LOAD + timedelta(minutes=1)
    report = load_artifact(version_artifact(tmp_path, "v4"), store, clock=lambda: later)
    assert set(report.deleted) == {"v1", "v2"}
    assert states(store) == {"v3": VersionStatus.COMPLETE, "v4": VersionStatus.COMPLETE}
    assert store.count_movies("v2") == 0


def test_a_switch_by_another_loader_meanwhile_is_not_overwritten(
    store_opener: StoreOpener, tmp_path: Path
) -> None:
    store, other = store_opener(), store_opener()
    load_artifact(version_artifact(tmp_path, "v1"), store)

    def other_loader_wins(stage: str, _amount: int) -> None:
        # Another process writes and flips to v3 while this loader verifies v2.
        if stage == "verified":
            fill_version(other, "v3", versioned_movies("v3"))

    with pytest.raises(LoadError, match="another load"):
        load_artifact(version_artifact(tmp_path, "v2"), store, progress=other_loader_wins)
    assert store.active().version == "v3"  # type: ignore[union-attr]
    assert store.movie("v3", "tt0133093").title == "The Matrix [v3]"  # type: ignore[union-attr]


def test_a_load_finishing_meanwhile_deletes_nothing_another_loader_is_writing(
    store_opener: StoreOpener, tmp_path: Path
) -> None:
    """Loader A begins writing vA; loader B loads vB from start to finish (activation and
    clean-up included); then A finishes. Nothing of vA may be gone: B's clean-up left it alone.
    A then finds B's switch and does not overwrite it; rerun, it switches to vA as written."""
    a_store, b_store = store_opener(), store_opener()
    load_artifact(version_artifact(tmp_path, "v0"), a_store)
    b_reports = []

    def b_loads_meanwhile(stage: str, written: int) -> None:
        if stage == "movies" and written == BATCH:  # A has begun vA and written a batch
            b_reports.append(load_artifact(version_artifact(tmp_path, "vB"), b_store))

    va = version_artifact(tmp_path, "vA")
    with pytest.raises(LoadError, match="another load switched versions meanwhile"):
        load_artifact(va, a_store, batch_size=BATCH, progress=b_loads_meanwhile)

    (b_report,) = b_reports
    assert b_report.activated and b_report.previous == "v0" and b_report.deleted == ()
    assert a_store.active().version == "vB"  # type: ignore[union-attr]
    # vA is all there, complete: every movie, its title index, its report
    assert states(a_store)["vA"] is VersionStatus.COMPLETE
    assert a_store.count_movies("vA") == len(SAMPLE_MOVIES)
    index = TitleIndex.from_bytes(a_store.title_index("vA"))  # type: ignore[arg-type]
    assert index.resolve("matrix").match is not None

    rerun = load_artifact(va, a_store)
    assert rerun.activated and rerun.reused and rerun.previous == "vB"
    assert rerun.deleted == ("v0",)
    served = snapshot(a_store)
    assert served["version"] == "vA"
    assert served["movies"] == {m.tconst: m for m in versioned_movies("vA")}


def test_a_load_never_deletes_a_version_another_loader_has_just_begun(
    store_opener: StoreOpener, tmp_path: Path
) -> None:
    """The other order: B begins vB while A finishes vA, activates it and tidies up; B's
    version survives A's clean-up, whatever B does next."""
    a_store, b_store = store_opener(), store_opener()
    load_artifact(version_artifact(tmp_path, "v0"), a_store)
    vb = version_artifact(tmp_path, "vB")

    def a_loads_meanwhile(stage: str, written: int) -> None:
        if stage == "movies" and written == BATCH:
            report = load_artifact(version_artifact(tmp_path, "vA"), a_store)
            assert report.activated and report.deleted == ()

    with pytest.raises(LoadError, match="another load"):
        load_artifact(vb, b_store, batch_size=BATCH, progress=a_loads_meanwhile)
    assert states(b_store) == {
        "v0": VersionStatus.COMPLETE,
        "vA": VersionStatus.COMPLETE,
        "vB": VersionStatus.COMPLETE,
    }
    assert b_store.count_movies("vB") == len(SAMPLE_MOVIES)


def test_a_count_that_does_not_match_the_manifest_loads_nothing(
    store: Store, tmp_path: Path
) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    bad = version_artifact(tmp_path, "v2", counts={"movies": 36, "akas": 7})
    with pytest.raises(LoadError, match=r"35 movies, manifest\.json says 36"):
        load_artifact(bad, store)
    assert snapshot(store) == before
    assert states(store) == {"v1": VersionStatus.COMPLETE}


def test_a_malformed_row_loads_nothing(store: Store, tmp_path: Path) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    bad = version_artifact(tmp_path, "v2")
    path = bad / "movies.csv.gz"
    rows = list(csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode())))
    rows[30][6] = "eight"  # a rating that is not a number, near the end of the file
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode()))
    with pytest.raises(ArtifactError, match="line"):
        load_artifact(bad, store)
    assert states(store) == {"v1": VersionStatus.COMPLETE}


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ({"version": "../../etc", "counts": {"movies": 35}}, "version"),
        ({"version": "v2", "counts": {"movies": "many"}}, "counts.movies"),
        ({"version": "v2", "counts": []}, "counts.movies"),
        # The fields the bot reads have the types training writes, or the load stops here.
        ({"k": "forty"}, "k must be a whole number"),
        ({"created_at": 20261121}, "created_at must be a string"),
        ({"counts": {"movies": 35, "akas": "seven"}}, "counts.akas must be a whole number"),
        ({"clusters": ["dramas"]}, "clusters must be an object"),
    ],
)
def test_a_bad_manifest_is_refused_before_any_write(
    store: Store, tmp_path: Path, manifest: dict[str, object], message: str
) -> None:
    artifact = version_artifact(tmp_path, "v2")
    full = json.loads((artifact / "manifest.json").read_text())
    (artifact / "manifest.json").write_text(json.dumps({**full, **manifest}))
    with pytest.raises(ArtifactError, match=message):
        load_artifact(artifact, store)
    assert store.versions() == []
