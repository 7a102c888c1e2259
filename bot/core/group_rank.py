"""A shortlist for a group: each member's ranking of the candidates, aggregated fairly.

Each member ranks every candidate by closeness in the reduced space to that member's nearest
favourite, blended with popularity and rating as the single-seed recommender does (closeness
alone favours obscure films nobody in the group has seen). The rankings are aggregated with a
Borda count (a film earns, from each member, one point per candidate that member ranks below
it; ties share the points). A least-misery veto then removes every film that is far from all
the favourites of some member: in that member's farthest tenth of the candidates by distance
(`GroupWeights.veto_shares`; when fewer than `size` films pass, the veto is lifted). The reason
says which veto held. Equal Borda counts are broken by the members' summed scores, then by
tconst, so the same input always gives the same shortlist, whatever the candidates' order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.core.models import Movie
from bot.core.normalize import normalize


@dataclass(frozen=True)
class GroupPick:
    movie: Movie
    score: float  # the Borda count, normalised: 1.0 when every member ranks it first
    votes_for: tuple[str, ...]  # members whose taste it is close to
    reason: str  # e.g. "close to Heat and Ronin · in no member's farthest tenth · 1990s, ..."


@dataclass(frozen=True)
class GroupWeights:
    # Each member's score of a film, as the single-seed recommender weighs it; tuned on the
    # dev half of the MovieLens groups (python -m bot evaluate --only group): what a group
    # likes is mostly well known and well rated, so closeness weighs less than for one seed.
    closeness: float = 0.5
    popularity: float = 4.0
    rating: float = 3.0
    # Veto radii: a film passes when it is within this share of every member's candidates by
    # distance; tried in this order, then lifted. 0.9: out if in someone's farthest tenth.
    veto_shares: tuple[float, ...] = (0.9,)
    # A member "votes for" a film within this share of their nearest candidates.
    close_share: float = 0.1


DEFAULT_GROUP_WEIGHTS = GroupWeights()

# Candidates come from a few cluster pools read again and again: normalise each title once.
_key = lru_cache(maxsize=1 << 16)(normalize)

# The veto in words, by the share of each member's candidates it leaves out.
_FAR_WORDS = {0.5: "half", 0.25: "quarter", 0.2: "fifth", 0.1: "tenth"}


def group_candidates_clusters(favourites: Mapping[str, Sequence[Movie]]) -> list[int]:
    """The clusters to read candidates from: each favourite's cluster, the clusters most members'
    favourites share first (then by how many favourites, then by number)."""
    members: Counter[int] = Counter()
    films: Counter[int] = Counter()
    for movies in favourites.values():
        members.update({m.cluster for m in movies})
        films.update(m.cluster for m in movies)
    return sorted(members, key=lambda c: (-members[c], -films[c], c))


def rank_for_group(
    favourites: Mapping[str, Sequence[Movie]],
    candidates: Sequence[Movie],
    size: int = 5,
    weights: GroupWeights = DEFAULT_GROUP_WEIGHTS,
) -> list[GroupPick]:
    """The best `size` candidates for the group, best first (see the module's docstring).

    `favourites` maps a member to their favourites; members without any are not counted.
    `candidates` are already filtered (constraints, marks); favourites and their namesakes
    (remakes of the same title) are left out here too."""
    taste = GroupTaste.measure(favourites, candidates)
    return taste.rank(size, weights) if taste is not None else []


@dataclass(frozen=True, eq=False)
class GroupTaste:
    """The members' distances to the candidates, measured once and ranked with any weights."""

    favourites: Mapping[str, Sequence[Movie]]
    members: tuple[str, ...]
    films: tuple[Movie, ...]  # by tconst, so a film's index breaks the last ties
    distance: np.ndarray  # [member, film]: from the member's nearest favourite
    nearest: np.ndarray  # [member, film]: which of the member's favourites that is
    place: np.ndarray  # [member, film]: share of candidates no farther from the member
    votes: np.ndarray  # log10(1 + votes), scaled to at most 1
    rating: np.ndarray

    @classmethod
    def measure(
        cls, favourites: Mapping[str, Sequence[Movie]], candidates: Sequence[Movie]
    ) -> GroupTaste | None:
        """None when no member has a favourite or no candidate is left."""
        members = tuple(sorted(m for m, films in favourites.items() if films))
        favoured = [f for m in members for f in favourites[m]]
        skip_ids = {f.tconst for f in favoured}
        skip_keys = {_key(f.title) for f in favoured}
        pool: dict[str, Movie] = {}
        for c in candidates:
            if c.tconst in skip_ids or c.tconst in pool or _key(c.title) in skip_keys:
                continue
            pool[c.tconst] = c
        if not members or not pool:
            return None
        films = tuple(pool[t] for t in sorted(pool))
        coords = _matrix([f.coords for f in films])
        distance = np.empty((len(members), len(films)))
        nearest = np.empty((len(members), len(films)), dtype=int)
        for i, member in enumerate(members):
            per_favourite = np.array([_distances(f.coords, coords) for f in favourites[member]])
            nearest[i] = per_favourite.argmin(axis=0)
            distance[i] = per_favourite.min(axis=0)
        votes = np.log10(1.0 + np.array([f.votes for f in films], dtype=float))
        return cls(
            favourites=favourites,
            members=members,
            films=films,
            distance=distance,
            nearest=nearest,
            place=np.array([_share_at_least_as_close(row) for row in distance]),
            votes=votes / (float(votes.max()) or 1.0),
            rating=np.array([f.rating for f in films], dtype=float),
        )

    def rank(self, size: int = 5, weights: GroupWeights = DEFAULT_GROUP_WEIGHTS) -> list[GroupPick]:
        if size <= 0:
            return []
        scale = float(np.median(self.distance)) or 1.0  # unit-free; one scale for every member
        quality = weights.popularity * self.votes + weights.rating * (self.rating - 5.0) / 5.0
        scores = weights.closeness * np.exp(-self.distance / scale) + quality
        borda = np.array([_borda(row) for row in scores]).sum(axis=0)
        total = borda / (len(self.members) * max(1, len(self.films) - 1))

        veto: float | None = None
        kept = np.arange(len(self.films))
        worst = self.place.max(axis=0)  # the least happy member's view of each film
        for share in weights.veto_shares:
            inside = np.flatnonzero(worst <= share)
            if len(inside) >= min(size, len(self.films)):
                veto, kept = share, inside
                break
        summed = scores.sum(axis=0)[kept]
        order = kept[np.lexsort((kept, -summed, -total[kept]))]
        return [self._pick(int(j), float(total[j]), veto, weights) for j in order[:size]]

    def _pick(self, j: int, score: float, veto: float | None, weights: GroupWeights) -> GroupPick:
        close = [i for i in range(len(self.members)) if self.place[i, j] <= weights.close_share]
        if not close:  # name at least the member it is relatively closest to
            close = [int(self.place[:, j].argmin())]
        named = [self.favourites[self.members[i]][self.nearest[i, j]] for i in close]
        return GroupPick(
            movie=self.films[j],
            score=round(score, 4),
            votes_for=tuple(self.members[i] for i in close),
            reason=_reason(self.films[j], named, veto),
        )


def _matrix(rows: Sequence[Sequence[float]]) -> np.ndarray:
    width = max((len(r) for r in rows), default=0)
    out = np.zeros((len(rows), width))
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def _distances(point: Sequence[float], coords: np.ndarray) -> np.ndarray:
    # Without coordinates (a demo catalogue) every film is equally close.
    width = min(len(point), coords.shape[1])
    if not width:
        return np.zeros(len(coords))
    delta = coords[:, :width] - np.asarray(point[:width], dtype=float)
    return np.asarray(np.sqrt((delta**2).sum(axis=1)))


def _borda(scores: np.ndarray) -> np.ndarray:
    """One point per candidate ranked strictly below; equal scores share the points."""
    ordered = np.sort(scores)
    below = np.searchsorted(ordered, scores, side="left")
    equal = np.searchsorted(ordered, scores, side="right") - below
    return below + (equal - 1) / 2.0


def _share_at_least_as_close(distance: np.ndarray) -> np.ndarray:
    """For each film, the share of candidates no farther than it (1 is the farthest film)."""
    ordered = np.sort(distance)
    return np.searchsorted(ordered, distance, side="right") / len(distance)


def _names(titles: Sequence[str]) -> str:
    unique = list(dict.fromkeys(titles))[:3]
    return unique[0] if len(unique) == 1 else f"{', '.join(unique[:-1])} and {unique[-1]}"


def _reason(movie: Movie, named: Sequence[Movie], veto: float | None) -> str:
    parts = [f"close to {_names([m.title for m in named])}"]
    if veto is not None:
        far = round(1.0 - veto, 2)
        parts.append(f"in no member's farthest {_FAR_WORDS.get(far, f'{far:.0%}')}")
    details = []
    if movie.year:
        details.append(f"{movie.year // 10 * 10}s")
    if movie.rating:
        details.append(f"rated {movie.rating:.1f}")
    if details:
        parts.append(", ".join(details))
    return " · ".join(parts)
