"""How good are resolution and recommendations, measured on MovieLens-format data.

Resolution: MovieLens titles as written ("Matrix, The (1999)"), without their year, with one or
two generated typos, and generated nonsense, go through the title index the bot uses; the truth
is links.csv's imdbId. Only movies the catalogue holds count (the report says how many).

Recommendations: for seeds liked (rating >= 4) by enough users, each recommendation is scored
against the seed's likers: coverage (MovieLens knows it), co-like precision (at least one liker
of the seed likes it too) and lift (how much likelier the seed's likers are to like it than
users at large), averaged per pair and pooled over all pairs. The bot's own method (the
service, through a store) is compared with baselines on the same clusters: random from the
cluster (the published design; several draws), random from the catalogue, most voted in the
cluster.

Standard library and numpy only: MovieLens CSVs are read with the csv module.
"""

from __future__ import annotations

import csv
import random
import shutil
import string
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.matching import Candidate, Resolution, TitleIndex
from bot.core.models import Movie
from bot.core.normalize import normalize
from bot.core.query import parse_query

LIKED = 4.0


class EvaluationError(Exception):
    """The input data is missing or malformed."""


@dataclass
class MovieLens:
    titles: dict[str, str]  # tconst -> title as MovieLens writes it
    likes: dict[str, set[int]]  # tconst -> users who rated it >= 4
    rated: set[str]  # tconsts with at least one rating
    users: int


def _read(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise EvaluationError(f"{path}: missing columns {', '.join(missing)}")
            return list(reader)
    except FileNotFoundError:
        raise EvaluationError(f"{path}: missing (is this a MovieLens directory?)") from None


def read_movielens(directory: Path) -> MovieLens:
    directory = Path(directory)
    links = {
        row["movieId"]: f"tt{int(row['imdbId']):07d}"
        for row in _read(directory / "links.csv", ("movieId", "imdbId"))
        if row["imdbId"].strip().isdigit()
    }
    titles = {
        links[row["movieId"]]: row["title"]
        for row in _read(directory / "movies.csv", ("movieId", "title"))
        if row["movieId"] in links
    }
    likes: dict[str, set[int]] = defaultdict(set)
    rated: set[str] = set()
    users: set[int] = set()
    path = directory / "ratings.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                tconst = links.get(row["movieId"])
                user = int(row["userId"])
                users.add(user)
                if tconst is None:
                    continue
                rated.add(tconst)
                if float(row["rating"]) >= LIKED:
                    likes[tconst].add(user)
    except FileNotFoundError:
        raise EvaluationError(f"{path}: missing") from None
    except (KeyError, ValueError) as exc:
        raise EvaluationError(f"{path}: malformed ({exc})") from None
    return MovieLens(titles=titles, likes=dict(likes), rated=rated, users=len(users))


# --- resolution -----------------------------------------------------------------------------
def without_year(title: str) -> str:
    query = parse_query(title)
    return query.text if query.year is not None else title


def add_typos(text: str, count: int, rng: random.Random) -> str:
    """`count` random edits (drop, insert, replace, swap) on letters, never the first one."""
    for _ in range(count):
        letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
        if not letters:
            break
        i = rng.choice(letters)
        op = rng.choice(("drop", "insert", "replace", "swap"))
        letter = rng.choice(string.ascii_lowercase)
        if op == "drop":
            text = text[:i] + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + letter + text[i:]
        elif op == "replace":
            text = text[:i] + letter + text[i + 1 :]
        elif i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def nonsense(rng: random.Random) -> str:
    """Keyboard mash and made-up words, the way people test a bot."""
    kind = rng.random()
    if kind < 0.4:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 14)))
    if kind < 0.8:
        words = rng.randint(2, 4)
        return " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 8)))
            for _ in range(words)
        )
    return "".join(rng.choice("qwertyuiopasdfghjklzxcvbnm1234567890 ") for _ in range(16))


def offered(resolution: Resolution) -> list[Candidate]:
    """What the bot puts in front of the user, best first: the match, or the did-you-mean list."""
    if resolution.match is not None:
        return [resolution.match, *resolution.alternatives]
    return list(resolution.alternatives) if resolution.status == "ambiguous" else []


@dataclass
class ResolutionScore:
    queries: int = 0
    top1: int = 0
    top3: int = 0
    matched: int = 0  # answered at once (no did-you-mean) and right
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, query: str, truth: str, resolution: Resolution) -> None:
        shown = [c.tconst for c in offered(resolution)]
        self.queries += 1
        self.top1 += bool(shown) and shown[0] == truth
        self.top3 += truth in shown[:3]
        self.matched += resolution.match is not None and resolution.match.tconst == truth
        if (not shown or shown[0] != truth) and len(self.misses) < 15:
            self.misses.append((query, truth, shown[0] if shown else resolution.status))

    def as_dict(self) -> dict[str, Any]:
        n = max(1, self.queries)
        return {
            "queries": self.queries,
            "top1": round(self.top1 / n, 4),
            "top3": round(self.top3 / n, 4),
            "matched_at_once": round(self.matched / n, 4),
            "sample_misses": [list(m) for m in self.misses],
        }


def evaluate_resolution(
    index: TitleIndex, movielens: MovieLens, seed: int = 5, nonsense_queries: int = 1000
) -> dict[str, Any]:
    rng = random.Random(seed)
    held = {t: title for t, title in movielens.titles.items() if index.find_tconst(t) is not None}
    scores = {name: ResolutionScore() for name in ("as_written", "without_year", "typos")}
    for tconst, title in sorted(held.items()):
        bare = without_year(title)
        typo = add_typos(bare, rng.choice((1, 2)), rng)
        for name, query in (("as_written", title), ("without_year", bare), ("typos", typo)):
            scores[name].add(query, tconst, index.resolve(query))
    declined = 0
    wrongly: list[list[str]] = []
    for _ in range(nonsense_queries):
        text = nonsense(rng)
        resolution = index.resolve(text)
        if resolution.status in ("no_match", "empty"):
            declined += 1
        elif len(wrongly) < 10:
            wrongly.append([text, offered(resolution)[0].title])
    return {
        "movielens_titles": len(movielens.titles),
        "in_catalogue": len(held),
        **{name: score.as_dict() for name, score in scores.items()},
        "nonsense": {
            "queries": nonsense_queries,
            "declined": round(declined / max(1, nonsense_queries), 4),
            "sample_accepted": wrongly,
        },
    }


# --- recommendations ------------------------------------------------------------------------
Recommender = Callable[[Movie], list[Movie]]


@dataclass
class PairCounts:
    pairs: int = 0
    known: int = 0
    colike: int = 0
    lift_sum: float = 0.0
    lift_pairs: int = 0
    pooled_hits: float = 0.0
    pooled_expected: float = 0.0

    def add(self, seed_likers: set[int], rec: str, movielens: MovieLens) -> None:
        self.pairs += 1
        if rec not in movielens.rated:
            return
        self.known += 1
        likers = movielens.likes.get(rec, set())
        both = len(seed_likers & likers)
        self.colike += both > 0
        if likers:
            expected = len(seed_likers) * len(likers) / movielens.users
            self.lift_sum += both / expected
            self.lift_pairs += 1
            self.pooled_hits += both
            self.pooled_expected += expected

    def as_dict(self, draws: int = 1) -> dict[str, Any]:
        return {
            "recommendations": self.pairs // draws,
            "coverage": round(self.known / max(1, self.pairs), 4),
            "colike_precision": round(self.colike / max(1, self.pairs), 4),
            "mean_lift": round(self.lift_sum / max(1, self.lift_pairs), 3),
            "pooled_lift": round(self.pooled_hits / max(1e-9, self.pooled_expected), 3),
        }


def evaluate_recommendations(
    seeds: Sequence[Movie],
    methods: dict[str, tuple[Recommender, int]],
    movielens: MovieLens,
) -> dict[str, Any]:
    """Score each method (a recommender and its number of draws) on the same seeds."""
    out: dict[str, Any] = {}
    for name, (recommender, draws) in methods.items():
        counts = PairCounts()
        for _ in range(draws):
            for seed in seeds:
                likers = movielens.likes.get(seed.tconst, set())
                for rec in recommender(seed):
                    counts.add(likers, rec.tconst, movielens)
        out[name] = {"draws": draws, **counts.as_dict(draws)}
    return out


def baselines(
    clusters: dict[int, list[Movie]],
    catalogue: list[Movie],
    k: int,
    rng: random.Random,
) -> dict[str, Recommender]:
    """The comparison methods, each without the seed and its namesakes, like the bot."""

    def others(seed: Movie, movies: Sequence[Movie]) -> list[Movie]:
        key = normalize(seed.title)
        return [m for m in movies if m.tconst != seed.tconst and normalize(m.title) != key]

    def random_cluster(seed: Movie) -> list[Movie]:
        members = others(seed, clusters[seed.cluster])
        return rng.sample(members, min(k, len(members)))

    def random_catalogue(seed: Movie) -> list[Movie]:
        picks = rng.sample(catalogue, min(len(catalogue), k + 2))
        return others(seed, picks)[:k]

    def most_voted(seed: Movie) -> list[Movie]:
        return others(seed, clusters[seed.cluster][: k + 5])[:k]

    return {
        "random_from_cluster": random_cluster,
        "random_from_catalogue": random_catalogue,
        "most_voted_in_cluster": most_voted,
    }


CEILING_TOP = 1000


def coverage_ceiling(catalogue: Sequence[Movie], movielens: MovieLens) -> dict[str, Any]:
    """What coverage a recommender that does not read MovieLens can expect at best: the share
    of the catalogue's most-voted movies (of MovieLens's years) that MovieLens has ratings of.
    Co-like precision can never exceed coverage, so neither can it exceed this by much."""
    known_years = [m.year for m in catalogue if m.tconst in movielens.rated and m.year]
    newest = max(known_years, default=0)
    popular = sorted(
        (m for m in catalogue if m.year and m.year <= newest), key=lambda m: (-m.votes, m.tconst)
    )[:CEILING_TOP]
    known = sum(m.tconst in movielens.rated for m in popular)
    return {
        "most_voted": len(popular),
        "up_to_year": newest,
        "coverage": round(known / max(1, len(popular)), 4),
    }


def pick_seeds(
    movies: dict[str, Movie], movielens: MovieLens, min_likers: int, limit: int, rng: random.Random
) -> list[Movie]:
    eligible = sorted(
        t for t, users in movielens.likes.items() if len(users) >= min_likers and t in movies
    )
    if len(eligible) > limit:
        eligible = sorted(rng.sample(eligible, limit))
    return [movies[t] for t in eligible]


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"catalogue: {report['catalogue']['movies']:,} movies, "
        f"{report['catalogue']['clusters']} clusters ({report['catalogue']['version']})",
    ]
    if "resolution" in report:
        lines += _resolution_lines(report["resolution"])
    if "conversation" in report:
        from bot.tools.conversation_eval import format_conversation

        lines += format_conversation(report["conversation"])
    if "honouring" in report:
        from bot.tools.honour_eval import format_honouring

        lines += format_honouring(report["honouring"])
    if "recommendations" in report:
        lines += _recommendation_lines(report["recommendations"])
    if "groups" in report:
        from bot.tools.group_eval import format_groups

        lines += format_groups(report["groups"])
    lines.append("targets:")
    lines += [f"  {'yes' if ok else 'NO ':<4} {label}" for label, ok in report["targets"].items()]
    return "\n".join(lines)


def _resolution_lines(res: dict[str, Any]) -> list[str]:
    lines = [
        f"resolution: {res['in_catalogue']:,} of {res['movielens_titles']:,} MovieLens titles "
        "are in the catalogue",
        f"  {'queries':<14}{'n':>7}{'top-1':>9}{'top-3':>9}{'at once':>9}",
    ]
    for name in ("as_written", "without_year", "typos"):
        row = res[name]
        lines.append(
            f"  {name:<14}{row['queries']:>7}{row['top1']:>9.1%}{row['top3']:>9.1%}"
            f"{row['matched_at_once']:>9.1%}"
        )
    lines.append(
        f"  {'nonsense':<14}{res['nonsense']['queries']:>7}"
        f"   declined {res['nonsense']['declined']:.1%}"
    )
    return lines


def _recommendation_lines(rec: dict[str, Any]) -> list[str]:
    lines = [
        f"recommendations: {rec['seeds']} seeds (liked by >= {rec['min_likers']} users), "
        f"{rec['k']} picks each, {rec['users']} users",
        f"  {'method':<24}{'coverage':>10}{'co-like':>10}{'lift':>8}{'pooled lift':>13}",
    ]
    for name, row in rec["methods"].items():
        lines.append(
            f"  {name:<24}{row['coverage']:>10.1%}{row['colike_precision']:>10.1%}"
            f"{row['mean_lift']:>8.2f}{row['pooled_lift']:>13.2f}"
        )
    ceiling = rec["coverage_ceiling"]
    lines.append(
        f"  coverage ceiling: MovieLens knows {ceiling['coverage']:.1%} of the catalogue's"
        f" {ceiling['most_voted']:,} most-voted movies up to {ceiling['up_to_year']}"
        " (co-like precision cannot exceed coverage)"
    )
    return lines


def targets(report: dict[str, Any]) -> dict[str, bool]:
    res, methods = report["resolution"], report["recommendations"]["methods"]
    ours, voted = methods["bot"], methods["most_voted_in_cluster"]
    rand = methods["random_from_cluster"]
    return {
        "top-1 as written >= 99%": res["as_written"]["top1"] >= 0.99,
        "top-1 without year >= 98%": res["without_year"]["top1"] >= 0.98,
        "top-1 with typos >= 95%": res["typos"]["top1"] >= 0.95,
        "nonsense declined >= 95%": res["nonsense"]["declined"] >= 0.95,
        "co-like precision >= 90% of most-voted's": ours["colike_precision"]
        >= 0.9 * voted["colike_precision"],
        "co-like precision >= 10x random-from-cluster's": ours["colike_precision"]
        >= 10 * rand["colike_precision"],
        "pooled lift >= 1.2x most-voted's": ours["pooled_lift"] >= 1.2 * voted["pooled_lift"],
    }


def run_evaluation(
    model_dir: Path,
    movielens_dir: Path,
    work_dir: Path,
    *,
    k: int = 10,
    min_likers: int = 10,
    max_seeds: int = 400,
    draws: int = 5,
    nonsense_queries: int = 1000,
    seed: int = 5,
    sentences: int = 300,
    groups: int = 600,
    only: str | None = None,
) -> dict[str, Any]:
    """Load the model into a fresh SQLite store, then measure through the bot's own service:
    every part, or `only` "group" (the movie-night shortlists)."""
    from bot.adapters.index_cache import IndexCache
    from bot.adapters.store.sqlite import SqliteStore
    from bot.core.artifact import iter_movies, read_manifest
    from bot.tools.conversation_eval import conversation_targets, evaluate_conversation
    from bot.tools.group_eval import evaluate_groups, group_targets
    from bot.tools.honour_eval import evaluate_honouring, honouring_targets
    from bot.usecases.loader import load_artifact
    from bot.usecases.movies import POOL_SIZE, MovieService

    movielens = read_movielens(movielens_dir)
    manifest = read_manifest(model_dir)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    store_path = work_dir / "evaluate.sqlite"
    # Fresh every run: a store left by an older release (another title index FORMAT) holds the
    # same version, which the loader would skip as already active and the service then refuse.
    for stale in (store_path, *work_dir.glob("evaluate.sqlite-*")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(work_dir / "cache", ignore_errors=True)
    store = SqliteStore(store_path)
    try:
        loaded = load_artifact(Path(model_dir), store)
        service = MovieService(store, IndexCache(store, work_dir / "cache"), page_size=k)
        index = IndexCache(store, work_dir / "cache").get(loaded.version)
        movies = {m.tconst: m for m in iter_movies(Path(model_dir))}
        clusters: dict[int, list[Movie]] = defaultdict(list)
        for m in sorted(movies.values(), key=lambda m: (-m.votes, m.tconst)):
            clusters[m.cluster].append(m)
        about = {
            "catalogue": {
                "version": loaded.version,
                "movies": len(movies),
                "clusters": len(clusters),
                "k": manifest.k,
                "model_dir": str(model_dir),
            },
            "movielens": str(movielens_dir),
        }

        def group_part(report: dict[str, Any]) -> dict[str, Any]:
            # The single-seed baseline is the bot's own answer, as in the recommendations part.
            report["groups"] = evaluate_groups(
                movies, clusters, POOL_SIZE, movielens, bot, count=groups, draws=draws, seed=seed
            )
            report["targets"] = {**report.get("targets", {}), **group_targets(report["groups"])}
            return report

        def bot(movie: Movie) -> list[Movie]:
            return [p.movie for p in service.similar(movie.tconst).recommendations]

        if only == "group":
            return group_part(dict(about))
        rng = random.Random(seed)
        resolution = evaluate_resolution(index, movielens, seed, nonsense_queries)
        held = {t: title for t, title in movielens.titles.items() if t in movies}
        conversation = evaluate_conversation(
            index,
            held,
            {t: movies[t].year for t in held},
            {g for m in movies.values() for g in m.genres},
            per_kind=sentences,
        )
        honouring = evaluate_honouring(service, movies, held, per_kind=sentences)
        seeds = pick_seeds(movies, movielens, min_likers, max_seeds, rng)
        others = baselines(clusters, list(movies.values()), k, rng)
        methods = {
            "bot": (bot, 1),
            "random_from_cluster": (others["random_from_cluster"], draws),
            "random_from_catalogue": (others["random_from_catalogue"], draws),
            "most_voted_in_cluster": (others["most_voted_in_cluster"], 1),
        }
        report: dict[str, Any] = {
            **about,
            "resolution": resolution,
            "conversation": conversation,
            "honouring": honouring,
            "recommendations": {
                "seeds": len(seeds),
                "min_likers": min_likers,
                "k": k,
                "users": movielens.users,
                "methods": evaluate_recommendations(seeds, methods, movielens),
                "coverage_ceiling": coverage_ceiling(list(movies.values()), movielens),
            },
        }
        report["targets"] = {
            **targets(report),
            **conversation_targets(conversation),
            **honouring_targets(honouring),
        }
        return group_part(report)
    finally:
        store.close()
