"""Which clusters are near which: distances between cluster centres in the reduced space the
recommender measures closeness in (the manifest's `centres`, one point per cluster number).

A request whose constraints leave too few movies in the seed's cluster widens to the nearest
clusters, in this order. Pure and small (k is tens), so plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = Sequence[float]


def _distance(a: Point, b: Point) -> float:
    # Points of unequal width (never in one model) are compared on the width they share.
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=False)))


def clusters_near(centres: Sequence[Point], point: Point, n: int | None = None) -> list[int]:
    """Cluster numbers by the distance of their centre from `point`, nearest first (ties by
    number), at most `n`. E.g. from the mean of several seeds' coordinates."""
    if not point:
        return []
    order = sorted(range(len(centres)), key=lambda c: (_distance(centres[c], point), c))
    return order if n is None else order[: max(n, 0)]


def nearest_clusters(centres: Sequence[Point], cluster: int, n: int) -> list[int]:
    """The `n` clusters whose centres are nearest `cluster`'s, nearest first, not counting
    `cluster` itself; empty when the centres are unknown or do not include `cluster`."""
    if not 0 <= cluster < len(centres):
        return []
    return [c for c in clusters_near(centres, centres[cluster]) if c != cluster][: max(n, 0)]
