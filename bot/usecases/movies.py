"""The use cases behind every surface (Slack, `ask`, `evaluate`): understand what the user
typed, recommend what honours it (close to every seed, meeting every constraint, widening to the
nearest clusters when the seeds' have too few), continue a thread's conversation, keep a user's
seen / not-interested list. No Slack, no boto3."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

import numpy as np

from bot.adapters.index_cache import IndexCache
from bot.adapters.store.base import MarkStore, ModelReader, ThreadStore
from bot.core.kept import Kept
from bot.core.matching import Candidate, Resolution, TitleIndex
from bot.core.models import Mark, MarkKind, ModelVersion, Movie
from bot.core.normalize import normalize
from bot.core.popularity import VoteLines, against_catalogue, catalogue_relative
from bot.core.request import Constraint, Request
from bot.core.understand import understand
from bot.usecases.discover import best_known, best_known_in, cluster_order, estimated_centres
from bot.usecases.honour import against_seed, meets_all, unsatisfiable
from bot.usecases.pool_blocks import POOL_SIZE, block_pool
from bot.usecases.recommend import Pick, Pool, ranking, reason, recommend
from bot.usecases.threads import THREAD_TTL_SECONDS, ThreadState, constraint_data, merge

__all__ = ["Answer", "Candidate", "MovieService", "Pick", "SeedAnswer"]

# matched: picks like the seeds; picked: picks with no seed (constraints, "surprise me");
# nothing_fits: no movie in the catalogue meets the constraints; chat / help: small talk;
# no_context: a follow-up ("more", "the second one") with no conversation to follow.
AnswerStatus = Literal[
    "matched", "picked", "ambiguous", "no_match", "empty", "no_model", "nothing_fits", "chat",
    "help", "no_context",
]  # fmt: skip
ENOUGH = 5  # fewer picks than this in the seeds' clusters widens to the nearest ones
PAGE_READ = 500
# Movies read beyond the pools for one answer, at most: a request nothing fits would otherwise
# read the whole catalogue (minutes at 720k movies); past this many it is answered from what was
# read.
REST_READ = 20_000
POOLS_KEPT = 16  # filtered pools of recent requests
# Every cluster's pool stays once read (a model has 40; about 2.5 MB each at full scale), so a
# warm process never reads a cluster twice, even when a rare constraint widens to all of them.
CLUSTER_POOLS_KEPT = 64


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {"tconst": c.tconst, "title": c.title, "year": c.year, "score": c.score}


@dataclass(frozen=True)
class SeedAnswer:
    """A movie the request named, resolved: what was typed, the match, its did-you-mean."""

    text: str
    match: Candidate
    movie: Movie
    alternatives: list[Candidate] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**_candidate_json(self.match), "cluster": self.movie.cluster}


@dataclass(frozen=True)
class Answer:
    query: str
    status: AnswerStatus
    match: Candidate | None
    movie: Movie | None
    alternatives: list[Candidate] = field(default_factory=list)
    recommendations: list[Pick] = field(default_factory=list)
    offset: int = 0
    has_more: bool = False
    elapsed_ms: float = 0.0
    seeds: tuple[SeedAnswer, ...] = ()  # every movie named, the first is `match` / `movie`
    constraints: tuple[Constraint, ...] = ()  # as understood (merged, in a follow-up)
    widened: bool = False  # the picks include clusters beyond the seeds' own
    clusters: tuple[int, ...] = ()  # the clusters the picks were chosen from

    def to_json(self) -> dict[str, Any]:
        """What `python -m bot ask --json` prints (README, "The command line"): the shape is
        defined here, so a change here is a change to that output."""
        match = None
        if self.match is not None:
            match = _candidate_json(self.match)
            match["cluster"] = self.movie.cluster if self.movie is not None else None
        return {
            "query": self.query,
            "match": match,
            "seeds": [s.to_json() for s in self.seeds],
            "constraints": [constraint_data(c) for c in self.constraints],
            "alternatives": [_candidate_json(c) for c in self.alternatives],
            "recommendations": [
                {
                    "tconst": p.movie.tconst,
                    "title": p.movie.title,
                    "year": p.movie.year,
                    "runtime": p.movie.runtime,
                    "genres": list(p.movie.genres),
                    "rating": p.movie.rating,
                    "votes": p.movie.votes,
                    "cluster": p.movie.cluster,
                }
                for p in self.recommendations
            ],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


class MovieStore(ModelReader, MarkStore, ThreadStore, Protocol):
    """What the movie service reads (the active model) and writes (a user's marks, a
    conversation's state)."""


class MovieService:
    def __init__(self, store: MovieStore, indexes: IndexCache, page_size: int = 5) -> None:
        self._store = store
        self._indexes = indexes
        self.page_size = page_size
        # Threads of one server share these (`bot.core.kept`).
        self._pools: Kept[tuple[str, int], Pool] = Kept(CLUSTER_POOLS_KEPT)
        # Where each cluster's rest begins: a page cursor, the pool's last movie (a pool read
        # from its block: the cursor is made when the rest is wanted), or None (no rest).
        self._pool_ends: dict[tuple[str, int], str | Movie | None] = {}
        # Filtered pools of a request ("more" reads the same one again) and catalogue tops.
        self._fitting: Kept[tuple[Any, ...], tuple[Pool, tuple[int, ...]]] = Kept(POOLS_KEPT)
        self._tops: Kept[str, Pool] = Kept(2)
        self._vote_lines: dict[str, VoteLines] = {}

    # --- questions ---------------------------------------------------------------------------
    def model(self) -> ModelVersion | None:
        return self._store.active()

    def warm(self) -> int:
        """Read what every answer of the active version may need, so none pays for a first
        read: the catalogue top and each cluster's pool (immutable per version; about 2.5 MB
        a cluster at full scale, kept for good, see CLUSTER_POOLS_KEPT). Returns the pools
        held."""
        model = self._store.active()
        if model is None:
            return 0
        self._top(model)
        clusters = range(min(model.manifest.k or 0, CLUSTER_POOLS_KEPT))
        return len([self._pool(model.version, cluster) for cluster in clusters])

    def ask(self, text: str, user_id: str | None = None, thread: str | None = None) -> Answer:
        """Answer a message; with `thread`, as a turn of that conversation (a follow-up refines
        the thread's last answer, whose state the store keeps)."""
        try:
            return self._ask(text, user_id, thread)
        finally:
            # Only now may a cold start fetch the rest of its index: not while its first
            # answer still reads the store (the cluster's movies).
            self._indexes.answered()

    def _ask(self, text: str, user_id: str | None, thread: str | None) -> Answer:
        started = time.perf_counter()
        model = self._store.active()
        if model is None:
            return Answer(text, "no_model", None, None, elapsed_ms=_since(started))
        if not text.strip():
            return Answer(text, "empty", None, None, elapsed_ms=_since(started))
        index = self._indexes.get(model.version)
        request = understand(text, index)
        if request.intent in ("greeting", "thanks", "help"):
            status: AnswerStatus = "help" if request.intent == "help" else "chat"
            return Answer(text, status, None, None, elapsed_ms=_since(started))
        state = None
        if thread and request.intent == "follow_up":
            state = ThreadState.from_text(self._store.load_thread(thread))
        plan = self._plan(request, state, index)
        if isinstance(plan, Answer):
            return replace(plan, elapsed_ms=_since(started))
        answer = self._honour(model, text, plan, user_id)
        self._keep(thread, plan, answer)
        return replace(answer, elapsed_ms=_since(started))

    def again(
        self,
        seeds: Sequence[str],
        constraints: Sequence[Constraint],
        user_id: str | None = None,
        thread: str | None = None,
        offset: int = 0,
    ) -> Answer:
        """Answer a request already understood (a button's: a constraint dropped, another
        did-you-mean seed, the next page); with `thread`, it becomes the thread's last answer."""
        started = time.perf_counter()
        model = self._store.active()
        if model is None:
            return Answer("", "no_model", None, None, elapsed_ms=_since(started))
        plan = _Plan(tuple(seeds), tuple(constraints), max(0, offset))
        answer = self._honour(model, "", plan, user_id)
        if answer.status == "picked" and seeds:  # no seed of the button is in this model
            answer = replace(answer, status="no_match", recommendations=[], has_more=False)
        self._keep(thread, plan, answer)
        return replace(answer, elapsed_ms=_since(started))

    def _keep(self, thread: str | None, plan: _Plan, answer: Answer) -> None:
        """The thread's state after an answer, for its next follow-up."""
        if thread and answer.status in ("matched", "picked", "nothing_fits"):
            shown = tuple(p.movie.tconst for p in answer.recommendations)
            saved = ThreadState(plan.seeds, plan.constraints, shown, plan.offset, plan.excluded)
            self._store.save_thread(thread, saved.to_text(), THREAD_TTL_SECONDS)

    def _plan(
        self, request: Request, state: ThreadState | None, index: TitleIndex
    ) -> _Plan | Answer:
        """What to recommend from: a new request's seeds and constraints, or the thread's last
        ones refined by a follow-up."""
        text = request.text
        follow = request.follow_up
        if request.intent == "follow_up" and follow is not None:
            if state is None:
                if follow.action == "refine" and request.constraints:  # a request after all
                    return _Plan((), request.constraints)
                return _numbered_title(request, index) or Answer(text, "no_context", None, None)
            shown = state.shown
            if follow.action == "more":
                offset = state.offset + max(len(shown), self.page_size)
                return _Plan(state.seeds, state.constraints, offset, state.excluded, shown)
            if follow.action in ("exclude_pick", "like_pick"):
                # Only these point at a pick; a refinement needs none ("nothing fits" shows none).
                n = (follow.pick or 1) - 1
                if not 0 <= n < len(shown):
                    return _numbered_title(request, index) or Answer(text, "no_context", None, None)
                if follow.action == "exclude_pick":
                    excluded = (*state.excluded, shown[n])
                    return _Plan(state.seeds, state.constraints, state.offset, excluded, shown)
                return _Plan((shown[n],), state.constraints, 0, state.excluded, shown)
            if follow.action == "drop":
                kept = tuple(c for c in state.constraints if c.field not in follow.dropped)
                return _Plan(state.seeds, kept, 0, state.excluded, shown)
            merged = merge(state.constraints, request.constraints)
            return _Plan(state.seeds, merged, 0, state.excluded, shown)
        if request.declined:
            resolution: Resolution = request.resolution or index.resolve(text)
            status: AnswerStatus = "no_match"
            if resolution.status in ("ambiguous", "empty"):
                status = resolution.status
            return Answer(text, status, None, None, resolution.alternatives)
        matched = [s for s in request.seeds if s.match is not None]
        if not matched and request.seeds and any(s.found for s in request.seeds):
            first = next(s for s in request.seeds if s.found)  # only did-you-means: ask
            return Answer(text, "ambiguous", None, None, first.alternatives)
        seeds = tuple(s.match.tconst for s in matched if s.match is not None)
        return _Plan(seeds, request.constraints, 0, (), (), request)

    def _honour(self, model: ModelVersion, text: str, plan: _Plan, user: str | None) -> Answer:
        version = model.version
        seeds = [m for m in (self._movie(version, t) for t in plan.seeds) if m is not None]
        # Relative constraints read against the seed; with none, against the last first pick.
        anchor = seeds[0] if seeds else self._first(version, plan.shown)
        constraints = tuple(against_seed(plan.constraints, anchor))
        if any(catalogue_relative(c) for c in constraints):  # "popular": this catalogue's
            constraints = tuple(against_catalogue(constraints, self._lines(model)))
        exclude = set(plan.excluded)
        if user:
            exclude |= {m.tconst for m in self._store.marks(user)}
        seed_answers = self._seed_answers(seeds, plan.request)
        first = seed_answers[0] if seed_answers else None
        if unsatisfiable(constraints):  # "old" and "2018": nothing to read the catalogue for
            ranked: Sequence[Movie] = []
            clusters, widened = tuple(dict.fromkeys(s.cluster for s in seeds)), False
        elif seeds:
            pool, clusters = self._fitting_pool(model, seeds, constraints, exclude)
            ranked = ranking(seeds, pool, exclude)  # sorted as far as the page read
            widened = any(c not in {s.cluster for s in seeds} for c in clusters)
        else:
            catalogue = self._top(model)
            meeting = catalogue.meeting(constraints)
            if len(meeting) < ENOUGH and constraints:  # rare: the top is not the whole catalogue
                top = catalogue.at(meeting)
                counts = _eligible((), exclude)
                found, _used = self._scan(
                    model, constraints, range(model.manifest.k or 0), wanted=ENOUGH, counts=counts
                )
                known = {t.tconst for t in top}
                top += [m for m in found.movies if m.tconst not in known]
                ranked = best_known(top, exclude)
            else:
                ranked = best_known_in(catalogue, meeting, exclude)
            clusters, widened = (), False
        page = ranked[plan.offset : plan.offset + self.page_size]
        picks = [Pick(m, reason(seeds[0] if seeds else None, m)) for m in page]
        status: AnswerStatus = "matched" if seeds else "picked"
        if not ranked and constraints:
            status = "nothing_fits"
        return Answer(
            text, status, first.match if first else None, first.movie if first else None,
            first.alternatives if first else [], picks, plan.offset,
            has_more=len(ranked) > plan.offset + self.page_size, seeds=seed_answers,
            constraints=plan.constraints, widened=widened, clusters=clusters,
        )  # fmt: skip

    def similar(self, tconst: str, user_id: str | None = None, offset: int = 0) -> Answer:
        """'More like this', 'Show more' (offset = picks already shown), a did-you-mean click."""
        started = time.perf_counter()
        model = self._store.active()
        if model is None:
            return Answer(tconst, "no_model", None, None, elapsed_ms=_since(started))
        seed = self._store.movie(model.version, tconst)
        if seed is None:
            return Answer(tconst, "no_match", None, None, elapsed_ms=_since(started))
        match = Candidate(seed.tconst, seed.title, seed.year, 100.0)
        picks, more = self._recommend(model.version, seed, user_id, max(0, offset))
        return Answer(
            tconst, "matched", match, seed, [], picks, max(0, offset), more, _since(started)
        )

    def fitting_movies(
        self,
        clusters: Sequence[int],
        near: Sequence[Movie],
        constraints: Sequence[Constraint],
        enough: int = ENOUGH,
    ) -> list[Movie]:
        """The movies of `clusters` meeting every (absolute) constraint, widened to the clusters
        nearest `near` until `enough` do: a group's candidates (a movie night's)."""
        model = self._store.active()
        if model is None or not near:
            return []

        def nearest() -> list[int]:
            centres = model.manifest.centres or estimated_centres(self._top(model).movies)
            order = cluster_order(centres, list(near), len(centres))
            return order + [c for c in range(model.manifest.k or 0) if c not in order]

        found, _used = self._scan(model, tuple(constraints), clusters, nearest, enough)
        return list(found.movies)

    def index(self) -> TitleIndex | None:
        """The active version's title index (None before the first load)."""
        model = self._store.active()
        return None if model is None else self._indexes.get(model.version)

    def title_named(self, text: str) -> Candidate | None:
        """The film the whole of `text` names, when the title index is sure of it."""
        index = self.index()
        if index is None:
            return None
        resolution = index.resolve(text)
        return resolution.match if resolution.status == "matched" else None

    def suggest(self, text: str, limit: int = 10) -> list[Candidate]:
        model = self._store.active()
        if model is None:
            return []
        return self._indexes.get(model.version).suggest(text, limit)

    # --- a user's list -------------------------------------------------------------------------
    def mark(self, user_id: str, tconst: str, kind: MarkKind) -> Movie | None:
        model = self._store.active()
        movie = self._store.movie(model.version, tconst) if model else None
        if movie is None:
            return None
        # The store stamps marked_at when the mark is written.
        self._store.add_mark(user_id, Mark(tconst, MarkKind(kind), movie.title))
        return movie

    def unmark(self, user_id: str, tconst: str) -> None:
        self._store.remove_mark(user_id, tconst)

    def marks(self, user_id: str) -> list[Mark]:
        return self._store.marks(user_id)

    # --- internals -----------------------------------------------------------------------------
    def _pool(self, version: str, cluster: int) -> Pool:
        """The cluster's most popular movies; immutable per version, so kept per process."""
        key = (version, cluster)
        held = self._pools.get(key)
        if held is not None:
            return held
        pool, end = self._read_pool(version, cluster)
        # Where the rest of the cluster begins (None: no rest); kept after the pool goes, so
        # a scan of every cluster still finds each one's rest (a cursor per cluster is small).
        self._pool_ends[key] = end
        return self._pools.put(key, pool)

    def _read_pool(self, version: str, cluster: int) -> tuple[Pool, str | Movie | None]:
        """The cluster's pool and where its rest begins: from the block the loader stored (one
        read, titles already normalised), else (a version loaded before blocks) its pages."""
        blob = self._store.cluster_block(version, cluster)
        read = block_pool(blob, POOL_SIZE) if blob is not None else None
        if read is not None:
            pool, more = read
            return pool, (pool.movies[-1] if more and len(pool) else None)
        movies: list[Movie] = []
        cursor: str | None = None
        while len(movies) < POOL_SIZE:
            # The whole pool in one page: the store pages as it must (DynamoDB by 1 MB), and a
            # cold start's first answer waits on every round trip.
            page = self._store.cluster_page(version, cluster, POOL_SIZE - len(movies), cursor)
            movies.extend(page.movies)
            cursor = page.next_cursor
            if cursor is None:
                break
        return Pool(movies), cursor

    def _first(self, version: str, shown: tuple[str, ...]) -> Movie | None:
        return self._movie(version, shown[0]) if shown else None

    def _movie(self, version: str, tconst: str) -> Movie | None:
        """A movie of this version: from a cluster pool already held when one has it (the
        store's own record, read with the pool; popular seeds mostly are), else the store's."""
        for (held_version, _cluster), pool in self._pools.items():
            if held_version == version and (movie := pool.find(tconst)) is not None:
                return movie
        return self._store.movie(version, tconst)

    def _seed_answers(self, seeds: list[Movie], request: Request | None) -> tuple[SeedAnswer, ...]:
        named = {s.match.tconst: s for s in request.seeds if s.match} if request else {}
        out = []
        for movie in seeds:
            mention = named.get(movie.tconst)
            if mention is not None and mention.match is not None:
                out.append(SeedAnswer(mention.text, mention.match, movie, mention.alternatives))
            else:  # a seed carried over from the thread, or a pick made the seed
                out.append(SeedAnswer(movie.title, _candidate(movie), movie))
        return tuple(out)

    def _fitting_pool(
        self,
        model: ModelVersion,
        seeds: list[Movie],
        constraints: tuple[Constraint, ...],
        exclude: Collection[str],
    ) -> tuple[Pool, tuple[int, ...]]:
        """The seeds' clusters' movies that meet every constraint; when fewer than ENOUGH do
        (seeds, their namesakes and `exclude` not counted), the nearest clusters' too, nearest
        first (by the manifest's centres, else centres estimated from the catalogue top), then
        the rest of every cluster beyond its pool: the whole catalogue is read before an answer
        has fewer than ENOUGH picks, and "nothing fits" means nothing in it does."""
        version = model.version
        own = tuple(dict.fromkeys(s.cluster for s in seeds))
        if not constraints and len(own) == 1:
            return self._pool(version, own[0]), own
        key = (version, tuple(s.tconst for s in seeds), constraints, frozenset(exclude))
        held = self._fitting.get(key)
        if held is not None:
            return held

        def nearest() -> list[int]:
            centres = model.manifest.centres or estimated_centres(self._top(model).movies)
            order = cluster_order(centres, seeds, len(centres))
            # Clusters with no known centre (none in the top) come last, still read.
            return order + [c for c in range(model.manifest.k or 0) if c not in order]

        counts = _eligible(seeds, exclude)
        return self._fitting.put(key, self._scan(model, constraints, own, nearest, ENOUGH, counts))

    def _scan(
        self,
        model: ModelVersion,
        constraints: tuple[Constraint, ...],
        first: Iterable[int],
        then: Callable[[], Iterable[int]] | None = None,
        wanted: int | None = None,
        counts: Callable[[Pool, np.ndarray], int] = lambda _p, index: len(index),
    ) -> tuple[Pool, tuple[int, ...]]:
        """The movies meeting every constraint of the clusters `first` (all of them), then of
        `then()` (ordered, read only while fewer than `wanted` of them `counts`), as one pool,
        and the clusters read. The pools hold each cluster's most popular only: while still
        fewer than `wanted`, the rest of each cluster read is read too, in the same order."""
        parts: list[tuple[Pool, np.ndarray]] = []
        used: list[int] = []
        have = 0

        def short() -> bool:
            return wanted is not None and have < wanted

        def take(pool: Pool, index: np.ndarray | None = None) -> None:
            nonlocal have
            index = pool.meeting(constraints) if index is None else index
            parts.append((pool, index))
            if short():  # counted only until there are enough
                have += counts(pool, index)

        for cluster in first:
            take(self._pool(model.version, cluster))
            used.append(cluster)
        if then is not None and short():
            for cluster in then():
                if not short():
                    break
                if cluster not in used:
                    take(self._pool(model.version, cluster))
                    used.append(cluster)
        budget = REST_READ
        for cluster in used:
            if not short() or budget <= 0:
                break
            rest, read = self._rest(model.version, cluster, constraints, budget)
            budget -= read
            take(rest, np.arange(len(rest)))
        return Pool.joined(parts), tuple(used)

    def _rest(
        self, version: str, cluster: int, constraints: Sequence[Constraint], budget: int
    ) -> tuple[Pool, int]:
        """A cluster's movies after its pool that meet every constraint (rarely needed, so not
        kept), reading at most about `budget` movies; and how many were read. Filtered before
        the Pool is built: a Pool normalises every title it holds, and the rest is most of the
        cluster."""
        movies: list[Movie] = []
        read = 0
        end = self._pool_ends.get((version, cluster))
        cursor = self._store.cursor_after(version, end) if isinstance(end, Movie) else end
        pool = self._pools.get((version, cluster))
        if cursor is not None and pool is not None and len(pool):
            # The rest comes after the pool in votes order: none has more votes than its last.
            fewer = Constraint("votes", "<=", pool.movies[-1].votes, "the rest of the cluster")
            if unsatisfiable((*constraints, fewer)):  # "popular" ones: all in the pool
                return Pool(movies), read
        while cursor is not None and read < budget:
            page = self._store.cluster_page(version, cluster, PAGE_READ, cursor)
            read += len(page.movies)
            movies.extend(m for m in page.movies if meets_all(m, constraints))
            cursor = page.next_cursor
        return Pool(movies), read

    def _top(self, model: ModelVersion) -> Pool:
        """The catalogue top (`bot.core.catalogue`); for a version loaded without one, each
        cluster's first page."""
        version = model.version
        held = self._tops.get(version)
        if held is not None:
            return held
        movies = self._store.catalogue_top(version)
        if not movies:
            for cluster in range(model.manifest.k or 0):
                movies.extend(self._store.cluster_page(version, cluster, PAGE_READ).movies)
        return self._tops.put(version, Pool(movies))

    def _lines(self, model: ModelVersion) -> VoteLines:
        """What "popular" and "lesser known" are in votes in this version (one per process)."""
        lines = self._vote_lines.get(model.version)
        if lines is None:
            manifest = model.manifest
            movies = manifest.counts.get("movies", 0)
            lines = VoteLines.from_manifest(manifest.metrics, list(self._top(model).movies), movies)
            self._vote_lines = {model.version: lines}
        return lines

    def _recommend(
        self, version: str, seed: Movie, user_id: str | None, offset: int
    ) -> tuple[list[Pick], bool]:
        marked = {m.tconst for m in self._store.marks(user_id)} if user_id else set()
        return recommend(seed, self._pool(version, seed.cluster), marked, offset, self.page_size)


@dataclass(frozen=True)
class _Plan:
    """What an answer is built from (and a thread's next turn continues)."""

    seeds: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    offset: int = 0
    excluded: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()  # the thread's last picks (an anchor for "older" without seed)
    request: Request | None = None


def _eligible(
    seeds: Sequence[Movie], exclude: Collection[str]
) -> Callable[[Pool, np.ndarray], int]:
    """How many of a pool's movies at `index` can be picks: not excluded, not a seed nor a
    seed's namesake (what `rank_many` leaves out), so widening counts only what can be shown.
    The pool's titles are normalised already: only the seeds' are normalised here."""
    skip = set(exclude) | {s.tconst for s in seeds}
    keys = {normalize(s.title) for s in seeds}

    def count(pool: Pool, index: np.ndarray) -> int:
        if not skip and not keys:
            return len(index)
        left_out = pool.positions(skip, keys)
        return len(index) - int(np.isin(index, left_out).sum())

    return count


def _numbered_title(request: Request, index: TitleIndex) -> _Plan | None:
    """A number with no pick to point at ("42", "like 21": no last answer, or fewer picks) is
    the film of that title, when one has it exactly."""
    follow = request.follow_up
    if follow is None or follow.action != "like_pick" or follow.pick is None:
        return None
    again = understand(request.text, index, references=False)
    found = [s.match for s in again.seeds if s.match is not None]
    if len(found) != 1 or found[0].title != str(follow.pick):
        return None  # "the 2nd one" is no film "2"
    return _Plan((found[0].tconst,), again.constraints, 0, (), (), again)


def _candidate(movie: Movie) -> Candidate:
    return Candidate(movie.tconst, movie.title, movie.year, 100.0)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
