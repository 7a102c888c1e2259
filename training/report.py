"""The training report for the admin who retrains: metrics.json, PNG plots and report.md,
with each cluster described in words ("1990s crime dramas, well rated")."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a training instance or in CI

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline

from bot.core.manifest import Manifest
from training.features import IMDB_GENRES, MultiHot

SILHOUETTE_SAMPLE = 5_000

# How each genre reads in a cluster's name: (as an adjective, as a plural noun).
GENRE_WORDS: dict[str, tuple[str, str]] = {
    "Action": ("action", "action films"), "Adult": ("adult", "adult films"),
    "Adventure": ("adventure", "adventures"), "Animation": ("animated", "animations"),
    "Biography": ("biographical", "biopics"), "Comedy": ("comic", "comedies"),
    "Crime": ("crime", "crime films"), "Documentary": ("documentary", "documentaries"),
    "Drama": ("dramatic", "dramas"), "Family": ("family", "family films"),
    "Fantasy": ("fantasy", "fantasies"), "Film-Noir": ("noir", "films noirs"),
    "Game-Show": ("game-show", "game shows"), "History": ("historical", "history films"),
    "Horror": ("horror", "horror films"), "Music": ("music", "music films"),
    "Musical": ("musical", "musicals"), "Mystery": ("mystery", "mysteries"),
    "News": ("news", "news films"), "Reality-TV": ("reality", "reality films"),
    "Romance": ("romantic", "romances"), "Sci-Fi": ("sci-fi", "sci-fi films"),
    "Short": ("short", "shorts"), "Sport": ("sports", "sports films"),
    "Talk-Show": ("talk-show", "talk shows"), "Thriller": ("thriller", "thrillers"),
    "War": ("war", "war films"), "Western": ("western", "westerns"),
}  # fmt: skip
# Genres that read as a noun with the other genre before it ("crime dramas", "action
# comedies"), strongest first; the words used before them, where not the usual adjective.
HEAD_GENRES = ("Drama", "Comedy", "Thriller", "Documentary", "Horror")
BEFORE_HEAD = {
    "Crime": "crime",
    "Action": "action",
    "Romance": "romantic",
    "Comedy": "comedy",
    "Horror": "horror",
    "Mystery": "mystery",
    "Thriller": "thriller",
    "Drama": "drama",
}


@dataclass(frozen=True)
class ClusterSummary:
    cluster: int
    name: str
    size: int
    top_genres: list[tuple[str, float]]  # genre, share of the cluster's movies
    median_year: float | None
    median_rating: float
    median_votes: float


def genre_matrix(genres: pd.Series) -> pd.DataFrame:
    """Movies x IMDb genres, booleans."""
    hot = MultiHot(vocabulary=list(IMDB_GENRES)).fit(genres).transform(genres)
    return pd.DataFrame(hot.toarray().astype(bool), columns=list(IMDB_GENRES), index=genres.index)


def _rating_words(rating: float) -> str:
    if rating >= 7.3:
        return "highly rated"
    if rating >= 6.5:
        return "well rated"
    if rating >= 5.5:
        return "middling"
    return "poorly rated"


def _votes_words(votes: float) -> str:
    if votes >= 20_000:
        return ", widely seen"
    if votes < 30:
        return ", little known"
    return ""


def _pair_words(first: str, second: str) -> str:
    """Two genres as a phrase: "crime dramas", "romantic comedies", "sci-fi action films"."""
    for head in HEAD_GENRES:
        if head in (first, second):
            other = second if first == head else first
            return f"{BEFORE_HEAD.get(other, GENRE_WORDS[other][0])} {GENRE_WORDS[head][1]}"
    return f"{GENRE_WORDS[second][0]} {GENRE_WORDS[first][1]}"


def cluster_name(
    shares: pd.Series,
    median_year: float | None,
    rating: float,
    votes: float,
    untagged: float = 0.0,
) -> str:
    """E.g. "1990s crime dramas, well rated": the era, the one or two genres that most of the
    cluster shares, how it is rated and (at the extremes) how widely it is seen."""
    top = shares.sort_values(ascending=False)
    main = [g for g, share in top.items() if share >= 0.5][:2]
    if not main and untagged >= 0.5:
        kind = "films without a listed genre"
    elif not main:
        lead = str(top.index[0])
        kind = f"mixed films, mostly {GENRE_WORDS[lead][1]}" if top.iloc[0] > 0 else "films"
    elif len(main) == 1:
        kind = GENRE_WORDS[main[0]][1]
    else:
        kind = _pair_words(main[0], main[1])
    era = f"{int(median_year) // 10 * 10}s " if median_year is not None else ""
    return f"{era}{kind}, {_rating_words(rating)}{_votes_words(votes)}"


def summarise(movies: pd.DataFrame, genres: pd.DataFrame) -> list[ClusterSummary]:
    summaries = []
    for cluster, index in movies.groupby("cluster").groups.items():
        part = movies.loc[index]
        shares = genres.loc[index].mean()
        year = part["year"].median()
        median_year = None if pd.isna(year) else float(year)
        rating = float(part["rating"].median())
        votes = float(part["votes"].median())
        top = shares.sort_values(ascending=False).head(3)
        summaries.append(
            ClusterSummary(
                cluster=int(cluster),
                name=cluster_name(
                    shares,
                    median_year,
                    rating,
                    votes,
                    untagged=float(1 - genres.loc[index].any(axis=1).mean()),
                ),
                size=len(part),
                top_genres=[(str(g), round(float(s), 3)) for g, s in top.items() if s > 0],
                median_year=median_year,
                median_rating=rating,
                median_votes=votes,
            )
        )
    return sorted(summaries, key=lambda s: s.cluster)


def compute_metrics(
    pipeline: Pipeline, coords: np.ndarray, labels: np.ndarray, seed: int
) -> dict[str, Any]:
    pca = pipeline.named_steps["pca"]
    kmeans = pipeline.named_steps["kmeans"]
    sizes = np.bincount(labels, minlength=kmeans.n_clusters)
    sample = min(SILHOUETTE_SAMPLE, len(labels))
    silhouette = (
        float(silhouette_score(coords, labels, sample_size=sample, random_state=seed))
        if 1 < len(set(labels.tolist())) < len(labels)
        else None
    )
    return {
        "movies": len(labels),
        "k": int(kmeans.n_clusters),
        "algorithm": type(kmeans).__name__,
        "inertia": float(kmeans.inertia_),
        "silhouette": silhouette,
        "silhouette_sample": sample,
        "cluster_sizes": sizes.tolist(),
        "smallest_cluster": int(sizes.min()),
        "largest_cluster": int(sizes.max()),
        "explained_variance_ratio": [round(float(v), 5) for v in pca.explained_variance_ratio_],
        "explained_variance_total": round(float(pca.explained_variance_ratio_.sum()), 5),
    }


def _plot_years(movies: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    years = movies["year"].dropna()
    if len(years):
        edges = (np.arange(years.min(), years.max() + 2) - 0.5).tolist()
        ax.hist(years, bins=edges, color="#4c72b0")
    ax.set(title="Titles per year", xlabel="year", ylabel="movies")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_rating_votes(movies: pd.DataFrame, path: Path, seed: int) -> None:
    sample = movies.sample(min(len(movies), 30_000), random_state=seed)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.hexbin(
        sample["votes"].clip(lower=1),
        sample["rating"],
        gridsize=40,
        xscale="log",
        bins="log",
        cmap="viridis",
        mincnt=1,
    )
    ax.set(title="Rating against votes", xlabel="votes (log scale)", ylabel="rating")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_sizes(summaries: list[ClusterSummary], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.bar([s.cluster for s in summaries], [s.size for s in summaries], color="#55a868")
    ax.set(title="Cluster sizes", xlabel="cluster", ylabel="movies")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_composition(
    movies: pd.DataFrame, genres: pd.DataFrame, summaries: list[ClusterSummary], path: Path
) -> None:
    """Share of each genre per cluster, with each cluster's median year and rating."""
    shares = genres.groupby(movies["cluster"].to_numpy()).mean()
    shown = shares.columns[shares.max() > 0.05]
    shares = shares[shown]
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(shown) + 4), max(4, 0.28 * len(shares) + 2)))
    image = ax.imshow(shares.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(shown)), shown, rotation=60, ha="right")
    labels = [
        f"{s.cluster}: {'' if s.median_year is None else int(s.median_year)}, {s.median_rating:.1f}"
        for s in summaries
    ]
    ax.set_yticks(range(len(shares)), labels, fontsize=7)
    ax.set(title="What each cluster is made of (genre share; median year, rating)")
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


PLOTS = {
    "years": "titles_per_year.png",
    "rating_votes": "rating_vs_votes.png",
    "sizes": "cluster_sizes.png",
    "composition": "cluster_composition.png",
}


def write_report(
    out: Path,
    movies: pd.DataFrame,
    metrics: dict[str, Any],
    manifest: Manifest,
    seed: int = 42,
) -> list[ClusterSummary]:
    """Write report/ into `out`; returns the cluster summaries (also in metrics.json)."""
    out.mkdir(parents=True, exist_ok=True)
    genres = genre_matrix(movies["genres"])
    summaries = summarise(movies, genres)
    _plot_years(movies, out / PLOTS["years"])
    _plot_rating_votes(movies, out / PLOTS["rating_votes"], seed)
    _plot_sizes(summaries, out / PLOTS["sizes"])
    _plot_composition(movies, genres, summaries, out / PLOTS["composition"])
    full = {**metrics, "clusters": [asdict(s) for s in summaries]}
    (out / "metrics.json").write_text(json.dumps(full, indent=2), encoding="utf-8")
    (out / "report.md").write_text(_markdown(summaries, metrics, manifest), encoding="utf-8")
    return summaries


def _markdown(summaries: list[ClusterSummary], metrics: dict[str, Any], manifest: Manifest) -> str:
    silhouette = metrics.get("silhouette")
    lines = [
        f"# Model {manifest.version}",
        "",
        f"Trained {manifest.created_at or ''} on {metrics['movies']:,} movies "
        f"into {metrics['k']} clusters ({metrics['algorithm']}).",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| inertia | {metrics['inertia']:,.1f} |",
        f"| silhouette (sample of {metrics['silhouette_sample']:,}) | "
        f"{'n/a' if silhouette is None else f'{silhouette:.3f}'} |",
        f"| explained variance ({len(metrics['explained_variance_ratio'])} components) | "
        f"{metrics['explained_variance_total']:.1%} |",
        f"| cluster sizes | {metrics['smallest_cluster']:,} to {metrics['largest_cluster']:,} |",
    ]
    for name, value in manifest.counts.items():
        lines.append(f"| {name.replace('_', ' ')} | {value:,} |")
    lines += [
        "",
        "## Clusters",
        "",
        "| cluster | in words | movies | top genres | median year | median rating |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in summaries:
        top = ", ".join(f"{g} {share:.0%}" for g, share in s.top_genres)
        year = "" if s.median_year is None else f"{s.median_year:.0f}"
        lines.append(
            f"| {s.cluster} | {s.name} | {s.size:,} | {top} | {year} | {s.median_rating:.1f} |"
        )
    lines += [
        "",
        "## Plots",
        "",
        f"![What each cluster is made of]({PLOTS['composition']})",
        "",
        f"![Cluster sizes]({PLOTS['sizes']})",
        "",
        f"![Titles per year]({PLOTS['years']})",
        "",
        f"![Rating against votes]({PLOTS['rating_votes']})",
        "",
    ]
    return "\n".join(lines)
