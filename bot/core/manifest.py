"""manifest.json, typed: what training writes, what the loader checks, what a store keeps.

`Manifest.from_dict` is the one place an artifact's manifest is checked (the loader and the
evaluation read it through `bot.core.artifact.read_manifest`, the notifier straight out of
model.tar.gz); a bad one is refused with one clear line. A store's own copy was checked when it
was loaded (or by an older loader with fewer rules), so `Manifest.from_stored` reads it back
without refusing anything: a value of the wrong type is kept aside, unread. Either way
`to_dict()` gives back every key it was given, unknown ones included, so a manifest passed
through never loses a field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

MANIFEST_FILE = "manifest.json"
REQUIRED = ("version", "created_at", "counts", "k")
# Versions become parts of store keys: keep them to a plain, bounded alphabet.
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}")


# Defined here rather than in bot.core.artifact so that the values (bot.core.models) can hold a
# Manifest while the artifact reader builds on both.
class ArtifactError(Exception):
    """The model directory is missing something or holds something malformed."""


@dataclass(frozen=True)
class Manifest:
    version: str
    created_at: str | None = None
    # What training counted (movies, akas, rows read, malformed rows), in training's order.
    counts: Mapping[str, int] = field(default_factory=dict)
    k: int | None = None
    features: tuple[str, ...] | None = None
    # The names of the reduced coordinates, as movies.csv.gz's pc1..pcN columns.
    coordinates: tuple[str, ...] | None = None
    # Each cluster's centre in those coordinates, by cluster number: what "the nearest
    # clusters" is measured by (bot.core.clusters). Absent from artifacts of older trainings.
    centres: tuple[tuple[float, ...], ...] | None = None
    parameters: Mapping[str, Any] | None = None
    libraries: Mapping[str, str] | None = None
    metrics: Mapping[str, Any] | None = None
    # The report's name for each cluster, by cluster number (a string, as JSON keys are).
    clusters: Mapping[str, str] | None = None
    seconds: float | None = None
    # Keys no code here reads (and, in a store's copy, values of the wrong type), as given.
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: object, *, source: str = MANIFEST_FILE) -> Manifest:
        """The manifest of an artifact, checked; ArtifactError (naming `source`) when it is not
        one training could have written."""
        if not isinstance(data, dict):
            raise ArtifactError(f"{source}: expected a JSON object")
        missing = [key for key in REQUIRED if key not in data]
        if missing:
            raise ArtifactError(f"{source}: missing {', '.join(missing)}")
        counts = data["counts"]
        if not isinstance(counts, dict) or "movies" not in counts:
            raise ArtifactError(f"{source}: counts.movies must be a whole number")
        try:
            manifest = cls._read(data, strict=True)
            manifest._check_centres()
        except ValueError as exc:
            raise ArtifactError(f"{source}: {exc}") from None
        return manifest

    def _check_centres(self) -> None:
        """Centres, when given, are k points of the coordinates' dimension."""
        if self.centres is None:
            return
        if self.k is not None and len(self.centres) != self.k:
            raise ValueError(f"centres holds {len(self.centres)} points, k is {self.k}")
        widths = {len(point) for point in self.centres}
        width = len(self.coordinates) if self.coordinates is not None else None
        if len(widths) > 1 or (width is not None and widths and widths != {width}):
            raise ValueError(
                f"centres must each have one number per coordinate ({width or 'as many'})"
            )

    @classmethod
    def from_stored(cls, data: object, *, version: str) -> Manifest:
        """A store's copy, read back without refusing anything; `version` (the store's key for
        it) stands in when the copy has none."""
        return cls._read(data if isinstance(data, dict) else {}, strict=False, version=version)

    @classmethod
    def _read(cls, data: dict[str, Any], *, strict: bool, version: str = "") -> Manifest:
        typed: dict[str, Any] = {"version": version}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            parse = _PARSERS.get(key)
            if parse is None:
                extra[key] = value
                continue
            try:
                typed[key] = parse(key, value)
            except ValueError:
                if strict:
                    raise
                extra[key] = value  # to_dict gives it back as it was
        return cls(**typed, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object to write or store: training's key order, then the extra keys."""
        known: dict[str, Any] = {
            "version": self.version,
            "created_at": self.created_at,
            "counts": dict(self.counts),
            "k": self.k,
            "features": _listed(self.features),
            "coordinates": _listed(self.coordinates),
            "centres": None if self.centres is None else [list(p) for p in self.centres],
            "parameters": _copied(self.parameters),
            "libraries": _copied(self.libraries),
            "metrics": _copied(self.metrics),
            "clusters": _copied(self.clusters),
            "seconds": self.seconds,
        }
        # An absent key stays absent; a kept value of the wrong type goes back as it came.
        return {**{k: v for k, v in known.items() if v is not None}, **self.extra}

    @property
    def scalar_metrics(self) -> dict[str, float]:
        """The metrics that are single numbers (not lists, names or missing values)."""
        return {
            key: value
            for key, value in (self.metrics or {}).items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }

    @property
    def cluster_sizes(self) -> tuple[int, ...]:
        """Movies per cluster, by cluster number; empty when the metrics do not say."""
        sizes = (self.metrics or {}).get("cluster_sizes")
        try:
            return _list_of(_whole, "cluster_sizes", sizes)
        except ValueError:
            return ()


# JSON-ready copies of the list and object fields (an absent one stays None).
def _listed(names: tuple[str, ...] | None) -> list[str] | None:
    return None if names is None else list(names)


def _copied(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if mapping is None else dict(mapping)


# --- one parser per known key: the typed value, or ValueError saying what it must be ---------


def _version(key: str, value: object) -> str:
    if not isinstance(value, str) or not VERSION_PATTERN.fullmatch(value):
        raise ValueError(f"{key} {value!r} must be 1-128 letters, digits or ._:+-")
    return value


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _whole(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be a whole number")
    return value


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return value  # an int stays an int, so it is written back as it was read


def _object(key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be an object")
    return dict(value)


def _counts(key: str, value: object) -> dict[str, int]:
    return {name: _whole(f"{key}.{name}", n) for name, n in _object(key, value).items()}


def _labels(key: str, value: object) -> dict[str, str]:
    return {name: _text(f"{key}.{name}", text) for name, text in _object(key, value).items()}


T = TypeVar("T")


def _list_of(parse: Callable[[str, object], T], key: str, value: object) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return tuple(parse(f"{key}[{i}]", item) for i, item in enumerate(value))


def _names(key: str, value: object) -> tuple[str, ...]:
    return _list_of(_text, key, value)


def _point(key: str, value: object) -> tuple[float, ...]:
    return _list_of(_number, key, value)


def _points(key: str, value: object) -> tuple[tuple[float, ...], ...]:
    return _list_of(_point, key, value)


_PARSERS: dict[str, Callable[[str, object], Any]] = {
    "version": _version,
    "created_at": _text,
    "counts": _counts,
    "k": _whole,
    "features": _names,
    "coordinates": _names,
    "centres": _points,
    "parameters": _object,
    "libraries": _labels,
    "metrics": _object,
    "clusters": _labels,
    "seconds": _number,
}
