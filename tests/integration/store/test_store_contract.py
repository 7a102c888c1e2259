"""The store contract: SqliteStore and DynamoStore (on DynamoDB Local) must behave the same."""

from __future__ import annotations

import dataclasses
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.store import dynamodb, sqlite
from bot.adapters.store.base import ActivationConflict, Store, StoreError
from bot.adapters.store.codec import pack_movies
from bot.core.manifest import Manifest
from bot.core.models import Mark, MarkKind, Movie, RunState, TrainingRun, VersionStatus
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.fixtures.stores import StoreOpener, fill_version


def by_popularity(movies: list[Movie], cluster: int) -> list[Movie]:
    members = [m for m in movies if m.cluster == cluster]
    return sorted(members, key=lambda m: (-m.votes, m.tconst))


def all_pages(store: Store, version: str, cluster: int, limit: int) -> list[list[Movie]]:
    pages, cursor = [], None
    while True:
        page = store.cluster_page(version, cluster, limit, cursor)
        pages.append(page.movies)
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100, "paging never ends"


def test_an_empty_store_has_nothing_active(store: Store) -> None:
    assert store.active() is None
    assert store.versions() == []
    assert store.latest_run() is None
    assert store.marks("U1") == []
    assert store.movie("v1", "tt0133093") is None
    assert store.title_index("v1") is None
    assert store.cluster_page("v1", 0, 5).movies == []


def test_a_loaded_version_serves_its_movies_exactly(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES, b"the index")
    active = store.active()
    assert active is not None and active.version == "v1"
    assert active.manifest.version == "v1"
    assert active.created_at == "2026-11-21T00:00:00Z"
    for movie in SAMPLE_MOVIES[:5]:
        assert store.movie("v1", movie.tconst) == movie  # coords and all, bit for bit
    assert store.movie("v2", SAMPLE_MOVIES[0].tconst) is None
    assert store.count_movies("v1") == len(SAMPLE_MOVIES)
    assert store.title_index("v1") == b"the index"
    [state] = store.versions()
    assert (state.version, state.status, state.movies) == (
        "v1",
        VersionStatus.COMPLETE,
        len(SAMPLE_MOVIES),
    )


def test_movies_without_year_or_runtime_or_coords_round_trip(store: Store) -> None:
    bare = dataclasses.replace(SAMPLE_MOVIES[0], year=None, runtime=None, coords=(), genres=())
    fill_version(store, "v1", [bare])
    assert store.movie("v1", bare.tconst) == bare


def test_countries_and_languages_round_trip_by_id_and_by_cluster(store: Store) -> None:
    movies = [
        dataclasses.replace(SAMPLE_MOVIES[0], countries=("US", "AU"), languages=("en",)),
        dataclasses.replace(SAMPLE_MOVIES[1], countries=("SUHH",), languages=("ru", "uk")),
        SAMPLE_MOVIES[2],  # unknown: empty
    ]
    fill_version(store, "v1", movies)
    assert [store.movie("v1", m.tconst) for m in movies] == movies
    assert store.cluster_page("v1", 0, 10).movies == sorted(movies, key=lambda m: -m.votes)


def test_the_catalogue_top_comes_back_in_order_and_goes_with_its_version(store: Store) -> None:
    top = [dataclasses.replace(m, countries=("US",)) for m in SAMPLE_MOVIES[::-1]]
    store.begin_version("v1", Manifest(version="v1"))
    assert store.catalogue_top("v1") == []  # none stored (yet, or by an older loader)
    store.put_movies("v1", SAMPLE_MOVIES)
    store.put_catalogue_top("v1", top)
    store.complete_version("v1")
    store.activate("v1", None)
    assert store.catalogue_top("v1") == top  # coordinates and all, in the order given
    assert store.catalogue_top("v2") == []
    with pytest.raises(StoreError, match="only a loading version is written"):
        store.put_catalogue_top("v1", top[:1])
    fill_version(store, "v2", SAMPLE_MOVIES)
    fill_version(store, "v3", SAMPLE_MOVIES)
    store.delete_version("v1")
    assert store.catalogue_top("v1") == []


def test_a_large_catalogue_top_is_stored_in_parts_and_a_shorter_rewrite_replaces_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dynamodb, "INDEX_CHUNK_BYTES", 1000)
    # Random titles do not compress: 300 of them make a blob of over ten parts.
    big = [
        dataclasses.replace(SAMPLE_MOVIES[0], tconst=f"tt{i:08d}", title=os.urandom(30).hex())
        for i in range(300)
    ]
    assert len(pack_movies(big)) > 10 * 1000
    store.begin_version("v1", Manifest(version="v1"))
    store.put_catalogue_top("v1", big)
    assert store.catalogue_top("v1") == big
    store.put_catalogue_top("v1", big[:3])  # a rerun of the load with another artifact
    assert store.catalogue_top("v1") == big[:3]


@pytest.mark.parametrize("limit", [1, 2, 5, 50])
def test_cluster_pages_are_most_popular_first_without_repeats(store: Store, limit: int) -> None:
    # Ties in votes must still page without repeats or gaps.
    tied = [
        dataclasses.replace(SAMPLE_MOVIES[0], tconst=f"tt90000{i:02d}", votes=500000)
        for i in range(4)
    ]
    movies = [*SAMPLE_MOVIES, *tied]
    fill_version(store, "v1", movies)
    pages = all_pages(store, "v1", 0, limit)
    expected = by_popularity(movies, 0)
    assert [m for page in pages for m in page] == expected
    assert all(len(page) == limit for page in pages[:-1])
    assert 0 < len(pages[-1]) <= limit
    assert len(pages) == -(-len(expected) // limit)


def test_cluster_pages_never_mix_clusters_or_versions(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    renamed = [dataclasses.replace(m, title=m.title + " (v2)") for m in SAMPLE_MOVIES]
    fill_version(store, "v2", renamed, activate=False)
    v1_page = store.cluster_page("v1", 3, 50).movies
    assert v1_page == by_popularity(SAMPLE_MOVIES, 3)
    v2_page = store.cluster_page("v2", 3, 50).movies
    assert v2_page == by_popularity(renamed, 3)
    assert store.cluster_page("v1", 99, 5).movies == []


def test_a_cursor_that_is_not_ours_is_refused(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    with pytest.raises(StoreError, match="cursor"):
        store.cluster_page("v1", 0, 5, "not-a-cursor!")
    with pytest.raises(StoreError):
        store.cluster_page("v1", 0, 0)


def test_the_title_index_is_stored_in_chunks_and_comes_back_whole(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "INDEX_CHUNK_BYTES", 1000)
    monkeypatch.setattr(dynamodb, "INDEX_CHUNK_BYTES", 1000)
    blob = os.urandom(25_500)  # 26 chunks: more than one batch write
    fill_version(store, "v1", SAMPLE_MOVIES[:3], blob)
    assert store.title_index("v1") == blob


def test_rewriting_a_loading_version_replaces_its_index(store: Store) -> None:
    store.begin_version("v1", Manifest(version="v1"))
    store.put_title_index("v1", b"first attempt, longer")
    store.put_title_index("v1", b"second")
    store.put_movies("v1", SAMPLE_MOVIES[:2])
    store.put_movies("v1", SAMPLE_MOVIES[:2])  # a rerun writes the same movies again
    store.complete_version("v1")
    assert store.title_index("v1") == b"second"
    assert store.count_movies("v1") == 2


def test_activation_is_conditional_on_the_previous_version(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    fill_version(store, "v2", SAMPLE_MOVIES, activate=False)
    with pytest.raises(ActivationConflict):
        store.activate("v2", None)
    with pytest.raises(ActivationConflict):
        store.activate("v2", "v0")
    assert store.active().version == "v1"  # type: ignore[union-attr]
    store.activate("v2", "v1")
    assert store.active().version == "v2"  # type: ignore[union-attr]


def test_only_a_complete_version_can_be_activated(store: Store) -> None:
    store.begin_version("v1", Manifest(version="v1"))
    store.put_movies("v1", SAMPLE_MOVIES)
    with pytest.raises(StoreError):
        store.activate("v1", None)
    with pytest.raises(StoreError):
        store.activate("never-begun", None)
    assert store.active() is None
    assert [(s.version, s.status) for s in store.versions()] == [("v1", VersionStatus.LOADING)]


def test_a_version_says_when_its_latest_load_began(store: Store) -> None:
    """The loader's clean-up spares a loading version begun recently: another loader's work,
    or a rerun resuming a dead load (which begins it again, so it counts from then)."""
    store.begin_version("v1", Manifest(version="v1"))
    (first,) = store.versions()
    assert first.begun_at is not None
    assert abs(datetime.fromisoformat(first.begun_at) - datetime.now(UTC)) < timedelta(minutes=1)
    time.sleep(1.05)  # timestamps are to the second
    store.begin_version("v1", Manifest(version="v1"))
    (again,) = store.versions()
    assert again.begun_at is not None and again.begun_at > first.begun_at


def test_a_complete_or_active_version_is_not_written_again(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    with pytest.raises(StoreError):
        store.put_movies("v1", SAMPLE_MOVIES[:1])
    with pytest.raises(StoreError):
        store.begin_version("v1", Manifest(version="v1"))
    with pytest.raises(StoreError):
        store.put_movies("never-begun", SAMPLE_MOVIES[:1])


def test_deleting_a_version_removes_all_of_it_but_never_the_active_one(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES, b"one")
    fill_version(store, "v2", SAMPLE_MOVIES, b"two")
    with pytest.raises(StoreError):
        store.delete_version("v2")
    store.delete_version("v1")
    assert store.count_movies("v1") == 0
    assert store.movie("v1", SAMPLE_MOVIES[0].tconst) is None
    assert store.cluster_page("v1", 0, 5).movies == []
    assert store.title_index("v1") is None
    assert [s.version for s in store.versions()] == ["v2"]
    assert store.movie("v2", SAMPLE_MOVIES[0].tconst) == SAMPLE_MOVIES[0]
    assert store.title_index("v2") == b"two"


def test_marks_are_kept_across_versions(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    store.add_mark("U1", Mark("tt0133093", MarkKind.SEEN, "The Matrix", "2026-11-21T10:00:00Z"))
    alien = Mark("tt0078748", MarkKind.NOT_INTERESTED, "Alien", "2026-11-21T11:00:00Z")
    store.add_mark("U1", alien)
    store.add_mark("U2", Mark("tt0068646", MarkKind.SEEN, "The Godfather"))
    fill_version(store, "v2", SAMPLE_MOVIES)
    fill_version(store, "v3", SAMPLE_MOVIES)
    store.delete_version("v1")
    assert store.marks("U1") == [
        alien,
        Mark("tt0133093", MarkKind.SEEN, "The Matrix", "2026-11-21T10:00:00Z"),
    ]
    [u2] = store.marks("U2")
    assert u2.tconst == "tt0068646"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", u2.marked_at)  # stamped when not given


def test_marks_are_replaced_and_removed(store: Store) -> None:
    store.add_mark("U1", Mark("tt0133093", MarkKind.SEEN, "The Matrix", "2026-11-21T10:00:00Z"))
    store.add_mark(
        "U1", Mark("tt0133093", MarkKind.NOT_INTERESTED, "The Matrix", "2026-11-21T12:00:00Z")
    )
    assert [m.kind for m in store.marks("U1")] == [MarkKind.NOT_INTERESTED]
    store.remove_mark("U1", "tt0133093")
    store.remove_mark("U1", "tt0000000")  # removing what is not there is harmless
    assert store.marks("U1") == []


def test_latest_run_is_the_most_recently_started(store: Store) -> None:
    first = TrainingRun("run-1", RunState.COMPLETED, "2026-11-20T10:00:00Z", "2026-11-20T10:05:00Z")
    second = TrainingRun("run-2", RunState.IN_PROGRESS, "2026-11-21T10:00:00Z")
    store.record_run(second)
    store.record_run(first)
    assert store.latest_run() == second
    done = dataclasses.replace(
        second, state=RunState.FAILED, ended_at="2026-11-21T10:01:00Z", detail="out of memory"
    )
    store.record_run(done)
    assert store.latest_run() == done


def test_a_second_handle_sees_what_the_first_wrote(store_opener: StoreOpener) -> None:
    writer, reader = store_opener(), store_opener()
    fill_version(writer, "v1", SAMPLE_MOVIES)
    writer.add_mark("U1", Mark("tt0133093", MarkKind.SEEN, "The Matrix"))
    assert reader.active().version == "v1"  # type: ignore[union-attr]
    assert [m.tconst for m in reader.marks("U1")] == ["tt0133093"]


def test_an_event_is_claimed_once_across_store_handles(store: Store) -> None:
    assert store.claim_event("event:Ev1", 3600) is True
    assert store.claim_event("event:Ev1", 3600) is False
    assert store.claim_event("event:Ev2", 3600) is True


def test_an_expired_claim_can_be_claimed_again(store: Store) -> None:
    # 2 s, not 1: DynamoDB's expiry is in whole seconds, and on a busy machine the second
    # claim could already fall in the next one.
    assert store.claim_event("event:Ev9", 2) is True
    assert store.claim_event("event:Ev9", 2) is False
    time.sleep(3.1)  # past the time to live
    assert store.claim_event("event:Ev9", 2) is True


def test_a_released_claim_can_be_taken_again_and_a_completed_one_cannot(
    store_opener: StoreOpener,
) -> None:
    acking, answering = store_opener(), store_opener()  # two containers
    assert acking.claim_event("event:Ev3", 3600) is True
    answering.release_event("event:Ev3")  # answering failed
    assert acking.claim_event("event:Ev3", 3600) is True  # so Slack's retry is answered
    answering.complete_event("event:Ev3", 3600)
    assert acking.claim_event("event:Ev3", 3600) is False
    answering.release_event("event:never-claimed")  # nothing to release: no error
    assert acking.claim_event("event:never-claimed", 3600) is True


def test_completing_a_claim_holds_it_longer_than_its_lease(store: Store) -> None:
    assert store.claim_event("event:Ev4", 1) is True
    store.complete_event("event:Ev4", 3600)
    time.sleep(2.1)  # past the in-progress lease (DynamoDB's TTL is in whole seconds)
    assert store.claim_event("event:Ev4", 1) is False


# A window far longer than a test, so no test run straddles two windows.
LONG_WINDOW = 10**9


def test_the_quota_counts_each_user_up_to_the_limit(store: Store) -> None:
    assert [store.take_quota("U1", 3, LONG_WINDOW) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert store.take_quota("U2", 3, LONG_WINDOW) is True  # another user has their own count


def test_the_quota_holds_across_handles_asking_at_once(store_opener: StoreOpener) -> None:
    handles = [store_opener() for _ in range(4)]  # four containers
    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = list(pool.map(lambda i: handles[i % 4].take_quota("U1", 5, LONG_WINDOW), range(16)))
    assert taken.count(True) == 5


def test_the_quota_starts_again_in_the_next_window(store: Store) -> None:
    window = 2
    time.sleep(window - time.time() % window + 0.05)  # at the start of a window
    assert store.take_quota("U1", 1, window) is True
    assert store.take_quota("U1", 1, window) is False
    time.sleep(window - time.time() % window + 0.05)
    assert store.take_quota("U1", 1, window) is True


def test_a_report_is_kept_with_its_version_and_removed_with_it(store: Store) -> None:
    fill_version(store, "v1", SAMPLE_MOVIES)
    assert store.report("v1") == {}
    store.begin_version("v2", Manifest(version="v2", created_at="x", counts={"movies": 0}))
    plot = bytes(range(256)) * 1000  # binary, ~256 KB: one item in DynamoDB
    store.put_report("v2", {"report.md": b"# v2", "sizes.png": plot})
    assert store.report("v2") == {"report.md": b"# v2", "sizes.png": plot}
    store.delete_version("v2")
    assert store.report("v2") == {}


def test_a_thread_is_continued_by_another_handle_and_replaced(store_opener: StoreOpener) -> None:
    first, second = store_opener(), store_opener()  # two containers
    assert first.load_thread("C1:1700000000.000100") is None
    first.save_thread("C1:1700000000.000100", '{"seeds": ["tt0113277"]}', 3600)
    assert second.load_thread("C1:1700000000.000100") == '{"seeds": ["tt0113277"]}'
    second.save_thread("C1:1700000000.000100", '{"seeds": []}', 3600)
    assert first.load_thread("C1:1700000000.000100") == '{"seeds": []}'
    assert first.load_thread("C1:other") is None


def test_an_expired_thread_is_gone(store: Store) -> None:
    store.save_thread("cli:old", "{}", -1)  # expired before DynamoDB's TTL deletes it
    assert store.load_thread("cli:old") is None
    store.save_thread("cli:old", "{}", 3600)
    assert store.load_thread("cli:old") == "{}"


def test_the_active_manifest_is_parsed_once_while_it_stays_active(
    store_opener: StoreOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `active()` is read on every question; parsing its manifest (the cluster centres) each
    # time was a fixed cost of every answer. Another handle's switch is still seen at once.
    store, other = store_opener(), store_opener()
    centres = tuple((float(c), 1.0) for c in range(40))
    fill_version(store, "v1", SAMPLE_MOVIES)
    parsed: list[str] = []
    real = Manifest.from_stored
    monkeypatch.setattr(
        Manifest,
        "from_stored",
        staticmethod(
            lambda data, *, version: parsed.append(version) or real(data, version=version)
        ),
    )
    assert [store.active().version for _ in range(3)] == ["v1"] * 3  # type: ignore[union-attr]
    assert parsed == ["v1"]
    other.begin_version("v2", Manifest(version="v2", k=40, centres=centres))
    other.put_movies("v2", SAMPLE_MOVIES)
    other.put_title_index("v2", b"index")
    other.complete_version("v2")
    other.activate("v2", "v1")
    model = store.active()
    assert model is not None and model.version == "v2" and model.manifest.centres == centres
