import random
from dataclasses import replace

from bot.core.group_rank import GroupWeights, group_candidates_clusters, rank_for_group
from bot.core.models import Movie


def _movie(
    tconst: str,
    coords: tuple[float, ...],
    title: str = "",
    votes: int = 1000,
    rating: float = 7.0,
    year: int | None = 2000,
    cluster: int = 0,
) -> Movie:
    title = title or f"Film {tconst}"
    return Movie(tconst, title, title, year, 100, ("Drama",), rating, votes, cluster, coords)


NO_VETO = GroupWeights(veto_shares=())
# The closeness-led weights these hand-made layouts are drawn for; the veto on halves.
BY_CLOSENESS = GroupWeights(closeness=3.0, popularity=1.0, rating=1.0, veto_shares=(0.5, 0.75))


def test_borda_count_over_each_members_ranking() -> None:
    # ann ranks x < y < z by closeness, bob y < z < x: Borda x 2+0, y 1+2, z 0+1.
    favourites = {"ann": [_movie("tf1", (0.0, 0.0))], "bob": [_movie("tf2", (10.0, 0.0))]}
    x, y, z = _movie("tt1", (1.0, 0.0)), _movie("tt2", (6.0, 0.0)), _movie("tt3", (9.0, 7.0))
    picks = rank_for_group(favourites, [x, y, z], size=3, weights=BY_CLOSENESS)
    assert [p.movie.tconst for p in picks] == ["tt2", "tt1", "tt3"]
    assert [p.score for p in picks] == [0.75, 0.5, 0.25]  # points / (members * (films - 1))


def _split_group() -> tuple[dict[str, list[Movie]], list[Movie]]:
    # ann, bob and dan like the same corner; cat likes the far one. "tt-pet" sits on their
    # favourites and is 7th of 12 for cat; the others lie between or near cat, or far off.
    favourites = {
        "ann": [_movie("tf1", (0.0, 0.0), "Heat")],
        "bob": [_movie("tf2", (0.0, 0.2), "Ronin")],
        "dan": [_movie("tf4", (0.0, -0.2), "Collateral")],
        "cat": [_movie("tf3", (10.0, 0.0), "Amélie")],
    }
    films = [_movie("tt-pet", (0.0, 0.1))]
    films += [_movie(f"tt-mid{i}", (5.0, i * 0.3)) for i in range(2)]
    films += [_movie(f"tt-cat{i}", (9.0 + i, 1.0)) for i in range(4)]
    films += [_movie(f"tt-far{i}", (-40.0, 40.0 * i)) for i in range(5)]
    return favourites, films


def test_the_veto_leaves_out_a_film_far_from_one_member() -> None:
    favourites, films = _split_group()
    # Without the veto, three of four members' clear favourite wins the Borda count...
    no_veto = replace(BY_CLOSENESS, veto_shares=())
    assert rank_for_group(favourites, films, size=1, weights=no_veto)[0].movie.tconst == "tt-pet"
    # ...with it, the film in cat's farthest half of the candidates is out.
    picks = rank_for_group(favourites, films, size=5, weights=BY_CLOSENESS)
    assert "tt-pet" not in [p.movie.tconst for p in picks]
    assert len(picks) == 5
    assert all("in no member's farthest half" in p.reason for p in picks)


def test_the_default_veto_leaves_out_films_in_a_members_farthest_tenth() -> None:
    favourites, films = _split_group()
    picks = rank_for_group(favourites, films, size=5)
    # The farthest films (-40, 120 and 160) are in ann's, bob's and dan's last tenth.
    assert not any(p.movie.tconst.startswith("tt-far") for p in picks)
    assert all("in no member's farthest tenth" in p.reason for p in picks)


def test_the_veto_widens_then_lifts_when_too_few_films_pass() -> None:
    favourites, films = _split_group()
    picks = rank_for_group(favourites, films, size=len(films), weights=BY_CLOSENESS)
    assert len(picks) == len(films)  # nobody's shortlist is emptied by the veto
    assert not any("farthest" in p.reason for p in picks)


def test_ties_share_points_and_fall_to_the_tconst() -> None:
    favourites = {"ann": [_movie("tf1", (0.0, 0.0))], "bob": [_movie("tf2", (0.0, 0.0))]}
    twins = [_movie("tt9", (1.0, 1.0)), _movie("tt5", (1.0, 1.0)), _movie("tt7", (3.0, 3.0))]
    picks = rank_for_group(favourites, twins, size=3, weights=NO_VETO)
    assert [p.movie.tconst for p in picks] == ["tt5", "tt9", "tt7"]
    assert picks[0].score == picks[1].score == 0.75  # 1.5 points each from each member


def test_equal_borda_counts_are_broken_by_the_summed_scores() -> None:
    # Same closeness everywhere (no coordinates): the better rated film wins.
    favourites = {"ann": [_movie("tf1", ())]}
    films = [_movie("tt1", (), rating=6.0), _movie("tt2", (), rating=8.0)]
    assert [p.movie.tconst for p in rank_for_group(favourites, films)] == ["tt2", "tt1"]


def test_deterministic_whatever_the_order_of_candidates_and_members() -> None:
    favourites, films = _split_group()
    first = rank_for_group(favourites, films)
    assert len(first) == 5
    for seed in range(5):
        shuffled = films[:]
        random.Random(seed).shuffle(shuffled)
        members = list(favourites.items())
        random.Random(seed).shuffle(members)
        assert rank_for_group(dict(members), shuffled) == first


def test_reason_names_the_favourites_it_is_close_to_and_the_rule() -> None:
    favourites = {
        "ann": [_movie("tf1", (0.0, 0.0), "Heat"), _movie("tf4", (50.0, 50.0), "Frozen")],
        "bob": [_movie("tf2", (0.2, 0.0), "Ronin")],
    }
    films = [_movie("tt1", (0.1, 0.0), "Collateral", year=1996, rating=7.8)]
    films += [_movie(f"tt-far{i}", (-30.0 - i, 30.0)) for i in range(9)]
    pick = rank_for_group(favourites, films, size=1)[0]
    assert pick.movie.tconst == "tt1"
    assert pick.votes_for == ("ann", "bob")
    assert pick.reason == (
        "close to Heat and Ronin · in no member's farthest tenth · 1990s, rated 7.8"
    )


def test_never_a_favourite_or_its_namesake_and_members_without_favourites_do_not_count() -> None:
    heat = _movie("tf1", (0.0, 0.0), "Heat")
    remake = _movie("tt2", (0.0, 0.0), "Heat", year=2030)
    other = _movie("tt3", (1.0, 0.0))
    picks = rank_for_group({"ann": [heat], "bob": []}, [heat, remake, other, other])
    assert [p.movie.tconst for p in picks] == ["tt3"]
    assert picks[0].votes_for == ("ann",)


def test_nothing_to_rank() -> None:
    heat = _movie("tf1", (0.0, 0.0), "Heat")
    assert rank_for_group({}, [_movie("tt1", (0.0,))]) == []
    assert rank_for_group({"ann": [heat]}, []) == []
    assert rank_for_group({"ann": [heat]}, [_movie("tt1", (0.0,))], size=0) == []


def test_candidate_clusters_most_shared_first() -> None:
    def fav(tconst: str, cluster: int) -> Movie:
        return replace(_movie(tconst, ()), cluster=cluster)

    favourites = {
        "ann": [fav("t1", 7), fav("t2", 3)],
        "bob": [fav("t3", 3), fav("t4", 9), fav("t5", 9)],
        "cat": [fav("t6", 3), fav("t7", 7)],
    }
    assert group_candidates_clusters(favourites) == [3, 7, 9]
    assert group_candidates_clusters({}) == []
