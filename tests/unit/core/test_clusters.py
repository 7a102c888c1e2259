"""Nearest clusters by their centres (bot/core/clusters.py)."""

from __future__ import annotations

from bot.core.clusters import clusters_near, nearest_clusters

# Four clusters on a line at 0, 1, 3 and 10, and a fifth off it.
CENTRES = [(0.0, 0.0), (1.0, 0.0), (3.0, 0.0), (10.0, 0.0), (0.0, 2.0)]


def test_nearest_clusters_are_ordered_by_distance_without_the_cluster_itself() -> None:
    assert nearest_clusters(CENTRES, 0, 2) == [1, 4]
    assert nearest_clusters(CENTRES, 2, 3) == [1, 0, 4]
    assert nearest_clusters(CENTRES, 3, 10) == [2, 1, 0, 4]


def test_ties_go_to_the_lower_number() -> None:
    assert nearest_clusters([(0.0,), (-1.0,), (1.0,)], 0, 2) == [1, 2]


def test_unknown_centres_or_cluster_widen_to_nothing() -> None:
    assert nearest_clusters([], 0, 3) == []
    assert nearest_clusters(CENTRES, 7, 3) == []
    assert nearest_clusters(CENTRES, -1, 3) == []
    assert nearest_clusters(CENTRES, 0, 0) == []


def test_clusters_near_a_point_such_as_the_mean_of_several_seeds() -> None:
    assert clusters_near(CENTRES, (2.1, 0.0), 2) == [2, 1]
    assert clusters_near(CENTRES, (0.0, 1.2)) == [4, 0, 1, 2, 3]
    assert clusters_near(CENTRES, ()) == []
