"""The movie-night measure on a tiny hand-made catalogue and MovieLens whose likes are known."""

import random

from bot.core.group_rank import GroupWeights
from bot.core.models import Movie
from bot.tools.evaluate import MovieLens
from bot.tools.group_eval import (
    Candidates,
    Group,
    compare,
    form_groups,
    format_groups,
    group_targets,
    liked_by_group,
    measure,
)


def _movie(tconst: str, cluster: int, x: float, votes: int, title: str = "") -> Movie:
    title = title or f"Film {tconst}"
    return Movie(tconst, title, title, 2005, 100, ("Drama",), 7.0, votes, cluster, (x, 0.0))


# Cluster 0 near x=0 (tt03, its most voted, far out), cluster 1 near x=10. tt04 is a namesake
# (remake) of tt01.
MOVIES = [
    _movie("tt01", 0, 0.0, 500, "Heat"),
    _movie("tt02", 0, 0.5, 100),
    _movie("tt03", 0, -8.0, 9000),
    _movie("tt04", 0, 0.2, 800, "Heat"),
    _movie("tt05", 0, 9.0, 50),
    _movie("tt11", 1, 10.0, 400),
    _movie("tt12", 1, 10.5, 300),
    _movie("tt13", 1, 30.0, 20),
]
BY_ID = {m.tconst: m for m in MOVIES}
CLUSTERS = {
    c: sorted((m for m in MOVIES if m.cluster == c), key=lambda m: (-m.votes, m.tconst))
    for c in (0, 1)
}


def _movielens(likes: dict[str, set[int]]) -> MovieLens:
    return MovieLens(titles={}, likes=likes, rated=set(likes), users=6)


def test_groups_are_three_to_five_users_each_with_a_liked_favourite_the_catalogue_holds() -> None:
    likes = {"tt01": {1, 2, 3}, "tt11": {4, 5}, "tt12": {6}, "tt99": {7}}  # tt99: not held
    movielens = _movielens(likes)
    groups = form_groups(BY_ID, movielens, 30, random.Random(3))
    assert groups == form_groups(BY_ID, movielens, 30, random.Random(3))  # a fixed seed
    assert len(groups) == 30
    for group in groups:
        assert 3 <= len(group.members) <= 5 and len(set(group.members)) == len(group.members)
        for user, favourite in zip(group.members, group.favourites, strict=True):
            assert user in likes[favourite.tconst] and favourite.tconst in BY_ID
    assert {len(g.members) for g in groups} == {3, 4, 5}
    assert 7 not in {u for g in groups for u in g.members}  # likes nothing the catalogue holds


def test_too_few_users_make_no_groups() -> None:
    assert form_groups(BY_ID, _movielens({"tt01": {1, 2}}), 5, random.Random(1)) == []


def test_liked_by_at_least_half_of_the_group_rounded_up() -> None:
    three = Group((1, 2, 3), (BY_ID["tt01"],) * 3)
    four = Group((1, 2, 3, 4), (BY_ID["tt01"],) * 4)
    movielens = _movielens({"tt02": {1, 2, 9}, "tt03": {3, 9}})
    assert liked_by_group(three, "tt02", movielens)  # 2 of 3
    assert not liked_by_group(three, "tt03", movielens)  # 1 of 3 (9 is not in the group)
    assert liked_by_group(four, "tt02", movielens)  # 2 of 4
    assert not liked_by_group(four, "tt12", movielens)  # nobody rated it


def test_candidates_are_the_favourites_clusters_without_favourites_or_namesakes() -> None:
    group = Group((1, 2, 3), (BY_ID["tt01"], BY_ID["tt11"], BY_ID["tt12"]))
    read = Candidates(CLUSTERS, pool_size=3).read(group)
    # Cluster 1 first (two members' favourites), each cluster's 3 most voted.
    assert [m.tconst for m in read] == ["tt13", "tt03"]


def test_the_group_method_against_the_baselines_on_known_likes() -> None:
    # Held out: users 1 and 2 bring Heat, user 3 a cluster-1 film. Users 1 and 2 like tt02,
    # close to Heat; the clusters' most voted, tt03, far from everyone, only user 4 likes.
    dev = Group((4, 5, 6), (BY_ID["tt03"], BY_ID["tt11"], BY_ID["tt12"]))
    held = Group((1, 2, 3), (BY_ID["tt01"], BY_ID["tt01"], BY_ID["tt11"]))
    movielens = _movielens({"tt02": {1, 2}, "tt03": {4}, "tt11": {3}})
    report = compare(
        [dev, held],
        Candidates(CLUSTERS, pool_size=10),
        lambda seed: [BY_ID["tt05"]],  # each member's single-seed pick: liked by nobody
        movielens,
        size=1,
        draws=4,
        grid=[GroupWeights(closeness=3.0, popularity=1.0, rating=1.0, veto_shares=())],
    )
    assert report["groups"] == {"dev": 1, "held_out": 1}
    methods = report["methods"]
    assert methods["group"]["held_out"] == {"films": 1, "liked": 1, "rate": 1.0}  # tt02
    assert methods["most_voted"]["held_out"] == {"films": 1, "liked": 0, "rate": 0.0}  # tt03
    assert methods["one_member"]["held_out"] == {"films": 3, "liked": 0, "rate": 0.0}
    assert methods["random"]["draws"] == 4 and methods["random"]["held_out"]["films"] == 4
    best = report["best_baseline"]
    assert report["ratio"] == round(1.0 / methods[best]["held_out"]["rate"], 3) or (
        report["ratio"] is None and methods[best]["held_out"]["rate"] == 0
    )
    lines = format_groups(report)
    assert "liked (rated >= 4) by at least half of the group" in lines[1]
    assert any(line.strip().startswith("group ") for line in lines)


def test_measure_counts_every_draw() -> None:
    group = Group((1, 2, 3), (BY_ID["tt01"],) * 3)
    movielens = _movielens({"tt03": {1, 2}})
    share = measure([group], lambda g: [BY_ID["tt03"], BY_ID["tt02"]], movielens, draws=3)
    assert (share.films, share.liked, share.rate) == (6, 3, 0.5)


def test_the_target_is_the_ratio_to_the_best_baseline() -> None:
    label = "group shortlist liked by half the group >= 1.3x the best baseline's"
    assert group_targets({"ratio": 1.31}) == {label: True}
    assert group_targets({"ratio": 1.2}) == {label: False}
    assert group_targets({"ratio": None}) == {label: False}
