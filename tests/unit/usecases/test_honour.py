"""The honouring rules: every pick meets every constraint, several seeds, widening, no seed,
small talk, follow-ups in a thread (the service on the sample catalogue, in memory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.core.manifest import Manifest
from bot.core.matching import TitleIndex
from bot.core.models import MarkKind, Movie
from bot.core.request import Constraint
from bot.usecases import movies as movies_module
from bot.usecases.honour import against_seed, meets
from bot.usecases.movies import MovieService
from bot.usecases.threads import ThreadState, merge
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.unit.usecases.conftest import far_documentaries, fill, quiet_film
from tests.unit.usecases.fakes import MemoryStore

BY_ID = {m.tconst: m for m in SAMPLE_MOVIES}
HEAT, MATRIX, ALIEN, LEBOWSKI = "tt0113277", "tt0133093", "tt0078748", "tt0118715"


@pytest.fixture
def service(tmp_path: Path) -> MovieService:
    store = fill(MemoryStore())
    return MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)


def picks(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.movie.tconst for p in answer.recommendations]


# --- the rules, pure ------------------------------------------------------------------------
def test_meets_reads_the_catalogue_fields() -> None:
    heat = BY_ID[HEAT]
    assert meets(heat, Constraint("year", "between", (1990, 1999), "90s"))
    assert not meets(heat, Constraint("year", ">", 2000, "after 2000"))
    assert meets(heat, Constraint("genres", "in", ("Crime", "Comedy"), "crime"))
    assert not meets(heat, Constraint("genres", "not in", ("Crime",), "no crime"))
    assert not meets(heat, Constraint("runtime", "<=", 100, "short"))
    assert meets(heat, Constraint("rating", ">=", 8.0, "highly rated"))
    assert not meets(heat, Constraint("title", "!=", HEAT, "not heat"))
    # Unknown language: not known to be French, nor known not to be English.
    assert not meets(heat, Constraint("language", "in", ("fr",), "in French"))
    assert not meets(heat, Constraint("language", "!=", "en", "foreign"))


def test_relative_constraints_read_against_the_seed() -> None:
    newer = Constraint("year", "after_seed", None, "newer")
    shorter = Constraint("runtime", "shorter_than_seed", None, "shorter")
    absolute = against_seed([newer, shorter], BY_ID[HEAT])
    assert [(c.op, c.value) for c in absolute] == [(">", 1995), ("<", 170)]
    assert against_seed([newer], None) == []


def test_a_new_era_replaces_the_old_and_exclusions_add_up() -> None:
    nineties = Constraint("year", "between", (1990, 1999), "90s")
    comedy = Constraint("genres", "in", ("Comedy", "Horror"), "funny or scary")
    older = Constraint("year", "before_seed", None, "older")
    no_horror = Constraint("genres", "not in", ("Horror",), "no horror")
    merged = merge([nineties, comedy], [older, no_horror])
    assert nineties not in merged and older in merged and no_horror in merged
    assert Constraint("genres", "in", ("Comedy",), "funny or scary") in merged


def test_thread_state_round_trips_and_bad_state_is_a_new_conversation() -> None:
    state = ThreadState(
        (HEAT,), (Constraint("year", "between", (1990, 1999), "90s"),), (MATRIX,), 3, (ALIEN,)
    )
    assert ThreadState.from_text(state.to_text()) == state
    assert ThreadState.from_text("{not json") is None
    assert ThreadState.from_text('{"constraints": [{"field": 1}]}') is None


# --- the service ----------------------------------------------------------------------------
def test_every_pick_meets_every_constraint(service: MovieService) -> None:
    answer = service.ask("something like heat but from the 90s")
    assert answer.status == "matched" and answer.match and answer.match.tconst == HEAT
    assert [c.field for c in answer.constraints] == ["year"]
    assert answer.recommendations
    assert all(1990 <= (p.movie.year or 0) <= 1999 for p in answer.recommendations)
    data = answer.to_json()
    assert data["constraints"][0]["field"] == "year" and data["seeds"][0]["tconst"] == HEAT


def test_too_few_in_the_cluster_widens_to_the_nearest(service: MovieService) -> None:
    # Heat's cluster (crime) has no comedy: the picks come from other clusters, and say so.
    answer = service.ask("like heat but a comedy")
    assert answer.status == "matched" and answer.recommendations
    assert all("Comedy" in p.movie.genres for p in answer.recommendations)
    assert answer.widened and answer.clusters[0] == BY_ID[HEAT].cluster


def test_nothing_in_the_catalogue_fits(service: MovieService) -> None:
    answer = service.ask("like heat but a documentary")
    assert answer.status == "nothing_fits" and answer.recommendations == []


def test_several_seeds_prefer_what_is_close_to_all(service: MovieService) -> None:
    answer = service.ask("a mix of the matrix and the big lebowski")
    assert {s.match.tconst for s in answer.seeds} == {MATRIX, LEBOWSKI}
    got = picks(answer)
    assert MATRIX not in got and LEBOWSKI not in got
    # Between sci-fi and comedy (Spirited Away, Back to the Future) first, never what is close
    # to one seed only (Terminator 2, the first pick for the Matrix alone).
    assert set(got[:2]) == {"tt0245429", "tt0088763"}
    assert picks(service.ask("like the matrix"))[0] == "tt0103064"


def test_no_seed_picks_from_the_catalogue_best_known_first(service: MovieService) -> None:
    answer = service.ask("a good 90s comedy")
    assert answer.status == "picked" and answer.match is None
    assert answer.recommendations
    assert all(
        "Comedy" in p.movie.genres and 1990 <= (p.movie.year or 0) <= 1999
        for p in answer.recommendations
    )
    assert picks(answer)[0] == LEBOWSKI  # best rated and most voted of them


def test_small_talk_gets_no_movie(service: MovieService) -> None:
    for text, status in (("hi", "chat"), ("thanks!", "chat"), ("what can you do?", "help")):
        answer = service.ask(text)
        assert answer.status == status and answer.recommendations == [], text


def test_marks_and_excluded_titles_stay_out(service: MovieService) -> None:
    first = picks(service.ask("like the matrix", user_id="U1"))[0]
    service.mark("U1", first, "seen")
    assert first not in picks(service.ask("like the matrix", user_id="U1"))


# --- follow-ups -----------------------------------------------------------------------------
def test_follow_ups_refine_the_last_answer(service: MovieService) -> None:
    first = service.ask("like the matrix", thread="T1")
    more = service.ask("more", thread="T1")
    assert more.status == "matched" and more.offset == 3
    assert not set(picks(first)) & set(picks(more))
    older = service.ask("older ones?", thread="T1")
    assert older.recommendations and all((p.movie.year or 0) < 1999 for p in older.recommendations)
    shown = picks(older)
    dropped = service.ask("not that one", thread="T1")
    assert shown[0] not in picks(dropped)
    second = service.ask("like the second one", thread="T1")
    assert second.match is not None and second.match.tconst == picks(dropped)[1]


def test_a_new_seed_starts_over(service: MovieService) -> None:
    service.ask("like heat from the 90s", thread="T2")
    answer = service.ask("like the matrix", thread="T2")
    assert answer.constraints == () and answer.match and answer.match.tconst == MATRIX


def test_a_follow_up_without_a_thread_is_not_a_random_movie(service: MovieService) -> None:
    assert service.ask("more", thread="nobody").status == "no_context"
    assert service.ask("like the second one").status == "no_context"


def test_a_number_with_no_pick_to_point_at_is_the_film_of_that_title(tmp_path: Path) -> None:
    forty_two = quiet_film(1, 0, "Biography,Drama,Sport", "42")
    nine = quiet_film(2, 1, "Animation,Adventure", "9")
    movies = [forty_two, nine, *(quiet_film(n, n % 2) for n in range(3, 30))]
    service, _store = _service_on(movies, 2, tmp_path)
    alone = service.ask("42")  # no conversation: no pick to point at
    assert alone.status == "matched" and alone.match and alone.match.tconst == forty_two.tconst
    first = service.ask("9", thread="T1")  # a new conversation: nothing shown yet
    assert first.status == "matched" and first.match and first.match.tconst == nine.tconst
    shown = picks(first)
    assert len(shown) == 3
    # Within the last answer's picks, a number is still a pick; beyond them, a film.
    second = service.ask("2", thread="T1")
    assert second.match and second.match.tconst == shown[1]
    beyond = service.ask("42", thread="T1")
    assert beyond.match and beyond.match.tconst == forty_two.tconst
    assert service.ask("the 7th one", thread="T1").status == "no_context"


# --- rare constraints: found wherever the catalogue has them (measured by `evaluate`) --------
def test_no_seed_finds_what_fits_beyond_the_catalogue_top(tmp_path: Path) -> None:
    # The stored top holds the most voted only, none of them a comedy of the 90s; the
    # catalogue has some: "nothing fits" would be wrong.
    store = fill(MemoryStore())
    store.put_catalogue_top("v1", [BY_ID[HEAT], BY_ID[MATRIX]])
    service = MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)
    answer = service.ask("a good 90s comedy")
    assert answer.status == "picked" and picks(answer)[0] == LEBOWSKI
    assert all("Comedy" in p.movie.genres for p in answer.recommendations)


def test_widening_reads_every_cluster_before_saying_nothing_fits(tmp_path: Path) -> None:
    # Twelve clusters in a row; the only documentaries are in the farthest from the seed's,
    # and not in the stored catalogue top.
    k = 12
    movies = far_documentaries(k, last=8, spacing=10)
    store = MemoryStore()
    store.begin_version("v1", Manifest(version="v1", k=k))
    store.put_movies("v1", movies)
    store.put_title_index("v1", TitleIndex.build(movies, []).to_bytes())
    store.complete_version("v1")
    store.activate("v1", None)
    store.put_catalogue_top("v1", movies[:20])
    service = MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)
    answer = service.ask("like heat but a documentary")
    assert answer.status == "matched" and len(answer.recommendations) == 3
    assert all(p.movie.genres == ("Documentary",) for p in answer.recommendations)
    assert answer.widened and answer.clusters[-1] == k - 1


def _service_on(movies: list[Movie], k: int, tmp_path: Path) -> tuple[MovieService, MemoryStore]:
    store = MemoryStore()
    store.begin_version("v1", Manifest(version="v1", k=k, counts={"movies": len(movies)}))
    store.put_movies("v1", movies)
    store.put_title_index("v1", TitleIndex.build(movies, []).to_bytes())
    store.complete_version("v1")
    store.activate("v1", None)
    store.put_catalogue_top("v1", movies[:20])  # the most voted (votes fall with the number)
    return MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3), store


def test_widening_counts_only_what_can_be_shown(tmp_path: Path) -> None:
    # Heat's cluster has six documentaries, five of them marked seen by the user: widening
    # goes on to the next cluster instead of answering with one pick.
    movies = [quiet_film(1, 0, "Crime,Drama", "Heat")]
    movies += [quiet_film(10 + i, 0, "Documentary") for i in range(6)]
    movies += [quiet_film(20 + i, 1, "Documentary") for i in range(4)]
    service, _store = _service_on(movies, 2, tmp_path)
    for m in movies[1:6]:
        service.mark("U1", m.tconst, MarkKind.SEEN)
    answer = service.ask("like heat but a documentary", user_id="U1")
    assert answer.status == "matched" and len(answer.recommendations) == 3
    assert all(p.movie.genres == ("Documentary",) for p in answer.recommendations)
    assert answer.widened


def test_widening_reads_beyond_the_pools_before_nothing_fits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pools hold each cluster's most voted only (ten here): the documentaries are the least
    # voted of the farthest cluster, in no pool and not in the catalogue top.
    monkeypatch.setattr(movies_module, "POOL_SIZE", 10)
    k = 3
    movies = far_documentaries(k, last=20)
    service, _store = _service_on(movies, k, tmp_path)
    answer = service.ask("like heat but a documentary")
    assert answer.status == "matched" and len(answer.recommendations) == 3
    assert all(p.movie.genres == ("Documentary",) for p in answer.recommendations)
    assert answer.widened
    picked = service.ask("a documentary")  # no seed: the same, from the whole catalogue
    assert picked.status == "picked" and len(picked.recommendations) == 3


def test_reading_beyond_the_pools_stops_at_its_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request nothing fits must not read the whole catalogue (minutes at full scale): beyond
    # the pools it reads at most REST_READ movies (a page more at most), then says nothing fits.
    monkeypatch.setattr(movies_module, "POOL_SIZE", 10)
    monkeypatch.setattr(movies_module, "PAGE_READ", 5)
    monkeypatch.setattr(movies_module, "REST_READ", 20)
    k = 3
    movies = [quiet_film(1, 0, "Crime,Drama", "Heat")]
    movies += [quiet_film(100 * c + i, c) for c in range(k) for i in range(2, 60)]
    service, store = _service_on(movies, k, tmp_path)
    read: list[int] = []
    page = store.cluster_page

    def counted(*args: object, **kwargs: object) -> object:
        result = page(*args, **kwargs)  # type: ignore[arg-type]
        read.append(len(result.movies))
        return result

    monkeypatch.setattr(store, "cluster_page", counted)
    answer = service.ask("like heat but a documentary")
    assert answer.status == "nothing_fits"
    pools = 10 * k
    assert pools < sum(read) <= pools + 20 + 5


def test_popular_means_the_catalogues_most_voted(tmp_path: Path) -> None:
    # No movie here has 100k votes; "popular" is the catalogue's 2% most voted all the same,
    # and "lesser known" leaves out its 4% most voted.
    movies = [quiet_film(1, 0, "Crime,Drama", "Heat")]
    movies += [quiet_film(10 + i, i % 3) for i in range(300)]
    service, _store = _service_on(movies, 3, tmp_path)
    ranked = sorted((m.votes for m in movies), reverse=True)
    popular = service.ask("popular movies like heat")
    assert popular.status == "matched" and len(popular.recommendations) == 3
    assert all(p.movie.votes >= ranked[6] for p in popular.recommendations)  # 2% of 301: 7
    lesser = service.ask("lesser known movies like heat")
    assert lesser.recommendations
    assert all(p.movie.votes <= ranked[12] for p in lesser.recommendations)  # 4% of 301: 13
