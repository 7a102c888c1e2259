import json
from pathlib import Path

from bot.adapters.index_cache import IndexCache
from bot.core.manifest import Manifest
from bot.core.models import MarkKind, Movie
from bot.usecases.movies import MovieService
from tests.unit.usecases.conftest import fill
from tests.unit.usecases.fakes import MemoryStore


def test_ask_resolves_and_recommends_from_the_cluster(service: MovieService) -> None:
    answer = service.ask("movies like the matrix")
    assert answer.status == "matched"
    assert answer.movie is not None and answer.movie.tconst == "tt0133093"
    assert len(answer.recommendations) == 3 and answer.has_more
    assert all(p.movie.cluster == answer.movie.cluster for p in answer.recommendations)
    assert "tt0133093" not in {p.movie.tconst for p in answer.recommendations}
    assert all(p.reason for p in answer.recommendations)


def test_json_has_exactly_the_documented_shape(service: MovieService) -> None:
    data = json.loads(json.dumps(service.ask("alien").to_json()))
    assert list(data) == [
        "query", "match", "seeds", "constraints", "alternatives", "recommendations", "elapsed_ms",
    ]  # fmt: skip
    assert data["query"] == "alien"
    assert set(data["match"]) == {"tconst", "title", "year", "score", "cluster"}
    assert data["match"]["tconst"] == "tt0078748" and data["match"]["cluster"] == 0
    rec = data["recommendations"][0]
    assert set(rec) == {
        "tconst", "title", "year", "runtime", "genres", "rating", "votes", "cluster",
    }  # fmt: skip
    assert data["seeds"] == [data["match"]] and data["constraints"] == []
    assert isinstance(rec["genres"], list)
    assert data["elapsed_ms"] >= 0


def test_no_match_and_ambiguity_carry_no_recommendations(service: MovieService) -> None:
    nonsense = service.ask("qzxwvkj plorf")
    assert nonsense.status == "no_match" and nonsense.to_json()["match"] is None
    assert nonsense.recommendations == []
    empty = service.ask("   ")
    assert empty.status == "empty" and empty.to_json()["recommendations"] == []


def test_no_model_is_an_answer_not_an_error(tmp_path: Path) -> None:
    store = MemoryStore()
    service = MovieService(store, IndexCache(store, tmp_path))
    answer = service.ask("alien")
    assert answer.status == "no_model" and answer.match is None
    assert service.suggest("ali") == [] and service.model() is None


def test_show_more_pages_onward_without_repeats(service: MovieService) -> None:
    first = service.ask("inception")
    assert first.movie is not None
    shown = [p.movie.tconst for p in first.recommendations]
    offset, more = len(shown), first.has_more
    while more:
        page = service.similar(first.movie.tconst, offset=offset)
        assert page.offset == offset
        shown.extend(p.movie.tconst for p in page.recommendations)
        offset, more = offset + len(page.recommendations), page.has_more
    assert len(shown) == len(set(shown)) == 11  # all of cluster 0 (12) but the seed


def test_marked_movies_are_never_recommended(service: MovieService) -> None:
    before = [p.movie.tconst for p in service.ask("matrix").recommendations]
    marked = service.mark("U1", before[0], MarkKind.SEEN)
    assert marked is not None and marked.tconst == before[0]
    service.mark("U1", before[1], MarkKind.NOT_INTERESTED)
    after = [p.movie.tconst for p in service.ask("matrix", user_id="U1").recommendations]
    assert not set(after) & set(before[:2])
    assert {m.tconst for m in service.marks("U1")} == set(before[:2])
    assert [p.movie.tconst for p in service.ask("matrix", user_id="U2").recommendations] == before
    service.unmark("U1", before[0])
    assert {m.tconst for m in service.marks("U1")} == {before[1]}
    assert service.mark("U1", "tt0000000", MarkKind.SEEN) is None


def test_similar_to_an_unknown_id_is_no_match(service: MovieService) -> None:
    assert service.similar("tt0000000").status == "no_match"


def test_suggest_goes_through_the_active_index(service: MovieService) -> None:
    assert [c.title for c in service.suggest("godf", limit=1)] == ["The Godfather"]


def test_cluster_pages_are_read_once_per_process(service: MovieService, store: MemoryStore) -> None:
    service.ask("matrix")
    reads = store.page_reads
    service.ask("aliens")
    service.similar("tt0133093", offset=3)
    assert store.page_reads == reads


def test_a_cluster_pool_is_one_store_request(tmp_path: Path) -> None:
    """A cold start's first answer waits on each read of its cluster: one, not a page of 500
    at a time."""
    from bot.usecases import movies as movies_module
    from tests.fixtures.artifacts import numbered_movies

    catalogue = numbered_movies(9000)  # 8 clusters of ~1,125 movies: more than 500 each
    store = fill(MemoryStore(), movies=catalogue, akas=[], k=8)
    service = MovieService(store, IndexCache(store, tmp_path / "cache"))
    answer = service.ask(f"movies like {catalogue[4321].title}")
    assert answer.status == "matched" and answer.recommendations
    cluster = [m for m in catalogue if m.cluster == catalogue[4321].cluster]
    assert movies_module.PAGE_READ < len(cluster) < movies_module.POOL_SIZE
    assert store.page_reads == 1


def test_index_is_cached_on_disk_and_follows_the_active_version(tmp_path: Path) -> None:
    store = fill(MemoryStore(), "v1")
    cache = IndexCache(store, tmp_path)
    first = cache.get("v1")
    assert cache.get("v1") is first
    cache.settle()  # the copy is written in the background
    assert list(tmp_path.glob("*.npz"))
    # A fresh process reads the file, not the store.
    store.put_title_index("v1", b"")
    assert IndexCache(store, tmp_path).get("v1").resolve("heat").status == "matched"
    fill(store, "v2")
    service = MovieService(store, cache)
    assert service.ask("heat").status == "matched"
    assert service.model() is not None and service.model().version == "v2"


def test_a_torn_cache_file_is_fetched_again(tmp_path: Path) -> None:
    store = fill(MemoryStore(), "v1")
    cache = IndexCache(store, tmp_path)
    cache.get("v1")
    cache.settle()
    (cached,) = tmp_path.glob("*.npz")
    cached.write_bytes(b"torn")
    assert IndexCache(store, tmp_path).get("v1").resolve("heat").status == "matched"


def test_every_cluster_of_a_40_cluster_model_is_read_once(tmp_path: Path) -> None:
    # The model has 40 clusters: a warm process keeps each one's pool, so going round all of
    # them twice reads the store only the first time (16 kept re-read every one of them).
    movies = [
        Movie(f"tt{c:03d}{i}", f"Film {c} {i}", f"Film {c} {i}", 2000, 100, ("Drama",), 7.0,
              1000 - i, c, (float(c), float(i)))
        for c in range(40)
        for i in range(3)
    ]  # fmt: skip
    store = MemoryStore()
    store.begin_version("v40", Manifest(version="v40", k=40))
    store.put_movies("v40", movies)
    store.complete_version("v40")
    store.activate("v40", None)
    service = MovieService(store, IndexCache(store, tmp_path / "cache"))
    for c in range(40):
        assert service.similar(f"tt{c:03d}0").status == "matched"
    reads = store.page_reads
    for c in range(40):
        assert service.similar(f"tt{c:03d}0").recommendations
    assert store.page_reads == reads
