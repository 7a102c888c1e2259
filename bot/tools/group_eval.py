"""The movie-night part of `python -m bot evaluate`: shortlists for groups of MovieLens users.

A group is 3-5 users drawn with a fixed seed; each member brings one favourite, a film they
liked (rated >= 4) that the catalogue holds. Every method shortlists `size` films for the group,
never a favourite. A shortlisted film counts as liked by the group when at least half of the
members (rounded up: 2 of 3, 2 of 4, 3 of 5) rated it >= 4 in MovieLens; a film a member never
rated counts as not liked by them, so the share is a lower bound for every method alike.

Methods, on the same groups:
- group: `rank_for_group` over the candidates the bot reads (each favourite's cluster pool,
  no constraints), the way a movie night builds its shortlist;
- one_member: the bot's single-seed recommendations for one member's favourite, averaged over
  each member in turn;
- most_voted: the most-voted films of the favourites' clusters;
- random: random films from those clusters (several draws).

The groups are split in two halves: the group ranking's weights are tuned on the dev half and
the held-out half is quoted (the tuning only reads the dev half).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import Any

from bot.core.group_rank import (
    DEFAULT_GROUP_WEIGHTS,
    GroupTaste,
    GroupWeights,
    group_candidates_clusters,
)
from bot.core.models import Movie
from bot.core.normalize import normalize
from bot.tools.conversation_eval import HALVES
from bot.tools.evaluate import MovieLens

SIZES = (3, 4, 5)
BASELINES = ("one_member", "most_voted", "random")
TARGET_RATIO = 1.3
LIKED_RULE = "liked (rated >= 4) by at least half of the group, rounded up (unrated: not liked)"


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]
    favourites: tuple[Movie, ...]  # one per member, in the members' order

    def favourites_by_member(self) -> dict[str, list[Movie]]:
        return {str(u): [f] for u, f in zip(self.members, self.favourites, strict=True)}


GroupMethod = Callable[[Group], list[Movie]]


def liked_by_user(movies: Mapping[str, Movie], movielens: MovieLens) -> dict[int, list[str]]:
    """Each user's liked films that the catalogue holds, sorted."""
    liked: dict[int, list[str]] = defaultdict(list)
    for tconst in sorted(movielens.likes):
        if tconst in movies:
            for user in movielens.likes[tconst]:
                liked[user].append(tconst)
    return dict(liked)


def form_groups(
    movies: Mapping[str, Movie], movielens: MovieLens, count: int, rng: random.Random
) -> list[Group]:
    """`count` groups of 3-5 distinct users, each with one liked favourite the catalogue holds."""
    liked = liked_by_user(movies, movielens)
    users = sorted(liked)
    if len(users) < min(SIZES):
        return []
    groups = []
    for _ in range(count):
        size = min(rng.choice(SIZES), len(users))
        members = tuple(sorted(rng.sample(users, size)))
        groups.append(Group(members, tuple(movies[rng.choice(liked[u])] for u in members)))
    return groups


def split(groups: Sequence[Group]) -> dict[str, list[Group]]:
    """Alternate groups into the dev and held-out halves."""
    return {name: list(groups[i :: len(HALVES)]) for i, name in enumerate(HALVES)}


def liked_by_group(group: Group, tconst: str, movielens: MovieLens) -> bool:
    need = (len(group.members) + 1) // 2
    return len(movielens.likes.get(tconst, set()).intersection(group.members)) >= need


@dataclass
class Share:
    films: int = 0
    liked: int = 0

    def add(self, group: Group, picks: Sequence[Movie], movielens: MovieLens) -> None:
        self.films += len(picks)
        self.liked += sum(liked_by_group(group, m.tconst, movielens) for m in picks)

    @property
    def rate(self) -> float:
        return self.liked / self.films if self.films else 0.0


def measure(
    groups: Sequence[Group], method: GroupMethod, movielens: MovieLens, draws: int = 1
) -> Share:
    share = Share()
    for _ in range(draws):
        for group in groups:
            share.add(group, method(group), movielens)
    return share


class Candidates:
    """What a night reads: each favourite's cluster pool (the cluster's most-voted films, as the
    bot's pools hold them), without the favourites and their namesakes."""

    def __init__(self, clusters: Mapping[int, Sequence[Movie]], pool_size: int) -> None:
        self._clusters = clusters
        self._pool_size = pool_size
        self._read: dict[Group, list[Movie]] = {}  # every method reads the same group's often
        self._tastes: dict[Group, GroupTaste | None] = {}  # and tuning ranks each one many ways
        self._pools: dict[int, list[tuple[Movie, str]]] = {}  # with normalised titles

    def clusters(self, group: Group) -> list[int]:
        return group_candidates_clusters(group.favourites_by_member())

    def read(self, group: Group) -> list[Movie]:
        if group not in self._read:
            self._read[group] = self._candidates(group)
        return self._read[group]

    def taste(self, group: Group) -> GroupTaste | None:
        """What `rank_for_group` measures first, kept: the same as calling it each time."""
        if group not in self._tastes:
            self._tastes[group] = GroupTaste.measure(group.favourites_by_member(), self.read(group))
        return self._tastes[group]

    def _candidates(self, group: Group) -> list[Movie]:
        skip_ids = {f.tconst for f in group.favourites}
        skip_keys = {normalize(f.title) for f in group.favourites}
        out: dict[str, Movie] = {}
        for cluster in self.clusters(group):
            for m, key in self._pool(cluster):
                if m.tconst not in skip_ids and key not in skip_keys:
                    out.setdefault(m.tconst, m)
        return list(out.values())

    def _pool(self, cluster: int) -> list[tuple[Movie, str]]:
        if cluster not in self._pools:
            movies = self._clusters.get(cluster, ())[: self._pool_size]
            self._pools[cluster] = [(m, normalize(m.title)) for m in movies]
        return self._pools[cluster]


def group_method(candidates: Candidates, size: int, weights: GroupWeights) -> GroupMethod:
    def shortlist(group: Group) -> list[Movie]:
        taste = candidates.taste(group)
        return [p.movie for p in taste.rank(size, weights)] if taste is not None else []

    return shortlist


def baseline_methods(
    candidates: Candidates,
    size: int,
    single_seed: Callable[[Movie], list[Movie]],
    rng: random.Random,
    draws: int,
) -> dict[str, tuple[GroupMethod, int]]:
    """The baselines and how many times each is measured (random: `draws` times)."""

    def most_voted(group: Group) -> list[Movie]:
        return sorted(candidates.read(group), key=lambda m: (-m.votes, m.tconst))[:size]

    def random_pick(group: Group) -> list[Movie]:
        pool = sorted(candidates.read(group), key=lambda m: m.tconst)
        return rng.sample(pool, min(size, len(pool)))

    return {
        "one_member": (_one_member(single_seed, size), 1),
        "most_voted": (most_voted, 1),
        "random": (random_pick, draws),
    }


def _one_member(single_seed: Callable[[Movie], list[Movie]], size: int) -> GroupMethod:
    """Each member's single-seed picks in turn, as one list per group (`size` per member), so the
    share averages over which member the bot would have asked for."""

    def picks(group: Group) -> list[Movie]:
        skip = {f.tconst for f in group.favourites}
        out: list[Movie] = []
        for favourite in group.favourites:
            out += [m for m in single_seed(favourite) if m.tconst not in skip][:size]
        return out

    return picks


def tuning_grid(base: GroupWeights = DEFAULT_GROUP_WEIGHTS) -> list[GroupWeights]:
    """The weights tried on the dev half: closeness against popularity and rating, and the veto
    (earlier runs: closeness above 1 and vetoes on halves cost a third of the share)."""
    grid = [base]
    for closeness, popularity, rating, veto in product(
        (0.5, 1.0), (2.0, 4.0), (1.0, 2.0, 3.0), ((0.9,), (0.75,))
    ):
        weights = replace(
            base, closeness=closeness, popularity=popularity, rating=rating, veto_shares=veto
        )
        if weights not in grid:
            grid.append(weights)
    return grid


def tune(
    dev: Sequence[Group],
    candidates: Candidates,
    movielens: MovieLens,
    size: int,
    grid: Sequence[GroupWeights],
) -> tuple[GroupWeights, list[dict[str, Any]]]:
    """The weights with the best dev share (the first of equals), and every weight's share."""
    tried = []
    best, best_rate = grid[0], -1.0
    for weights in grid:
        rate = measure(dev, group_method(candidates, size, weights), movielens).rate
        tried.append({"weights": _weights_dict(weights), "dev": round(rate, 4)})
        if rate > best_rate:
            best, best_rate = weights, rate
    return best, tried


def _weights_dict(weights: GroupWeights) -> dict[str, Any]:
    return {
        "closeness": weights.closeness,
        "popularity": weights.popularity,
        "rating": weights.rating,
        "veto_shares": list(weights.veto_shares),
    }


def evaluate_groups(
    movies: Mapping[str, Movie],
    clusters: Mapping[int, Sequence[Movie]],
    pool_size: int,
    movielens: MovieLens,
    single_seed: Callable[[Movie], list[Movie]],
    *,
    count: int = 600,
    draws: int = 5,
    seed: int = 5,
) -> dict[str, Any]:
    """The whole group measure on `count` groups formed from `movielens`, weights tuned on dev."""
    groups = form_groups(movies, movielens, count, random.Random(seed))
    return compare(
        groups,
        Candidates(clusters, pool_size),
        single_seed,
        movielens,
        draws=draws,
        seed=seed,
        grid=tuning_grid(),
    )


def compare(
    groups: Sequence[Group],
    candidates: Candidates,
    single_seed: Callable[[Movie], list[Movie]],
    movielens: MovieLens,
    *,
    size: int = 5,
    draws: int = 5,
    seed: int = 5,
    grid: Sequence[GroupWeights] | None = None,
) -> dict[str, Any]:
    halves = split(groups)
    weights, tried = (
        tune(halves["dev"], candidates, movielens, size, grid)
        if grid
        else (DEFAULT_GROUP_WEIGHTS, [])
    )
    methods = {
        "group": (group_method(candidates, size, weights), 1),
        **baseline_methods(candidates, size, single_seed, random.Random(seed), draws),
    }
    out: dict[str, Any] = {
        "groups": {name: len(part) for name, part in halves.items()},
        "members": f"{min(SIZES)}-{max(SIZES)}",
        "size": size,
        "liked": LIKED_RULE,
        "weights": _weights_dict(weights),
        "tuning": tried,
        "methods": {},
    }
    for name, (method, times) in methods.items():
        row: dict[str, Any] = {"draws": times}
        for half, part in halves.items():
            share = measure(part, method, movielens, times)
            row[half] = {"films": share.films, "liked": share.liked, "rate": round(share.rate, 4)}
        out["methods"][name] = row
    held = {name: out["methods"][name]["held_out"]["rate"] for name in out["methods"]}
    best = max(BASELINES, key=lambda name: (held[name], name))
    out["best_baseline"] = best
    out["ratio"] = round(held["group"] / held[best], 3) if held[best] else None
    return out


def format_groups(report: dict[str, Any]) -> list[str]:
    groups = report["groups"]
    lines = [
        f"movie night: {groups['dev']} dev + {groups['held_out']} held-out groups of "
        f"{report['members']} users, one favourite each, shortlists of {report['size']}",
        f"  share of shortlisted films {report['liked']}",
        f"  {'method':<24}{'dev':>18}{'held-out':>18}",
    ]
    for name, row in report["methods"].items():
        cells = [f"{row[h]['rate']:>7.1%} of {row[h]['films']:<6}" for h in HALVES]
        label = f"{name} ({row['draws']} draws)" if row["draws"] > 1 else name
        lines.append(f"  {label:<24}{cells[0]:>18}{cells[1]:>18}")
    ratio = report["ratio"]
    lines.append(
        f"  group / best baseline ({report['best_baseline']}), held-out: "
        + (f"{ratio:.2f}x" if ratio is not None else "n/a (the baseline liked nothing)")
    )
    w = report["weights"]
    lines.append(
        f"  weights tuned on dev: closeness {w['closeness']}, popularity {w['popularity']}, "
        f"rating {w['rating']}, veto {w['veto_shares'] or 'none'}"
    )
    return lines


def group_targets(report: dict[str, Any]) -> dict[str, bool]:
    ratio = report.get("ratio")
    label = f"group shortlist liked by half the group >= {TARGET_RATIO}x the best baseline's"
    return {label: ratio is not None and ratio >= TARGET_RATIO}
