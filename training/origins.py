"""Each movie's countries of origin and original languages, estimated from its akas.

IMDb's datasets never state where a film comes from or what language it is in; the akas do
say, per region, what the film is called there. The proxy, in order:
  1. Candidates: akas rows whose title equals the original title (ignoring case and surrounding
     space), in a real region (not `\\N`, not XWW, IMDb's "worldwide"), and carrying no
     attributes ("poster title", "IMAX version", "original subtitled version" describe a
     version shown somewhere, not where the film was made).
  2. Where the original title is shown in at least ENGLISH_EVIDENCE English-speaking regions
     (US, GB, CA, AU, NZ, IE; in English or unspecified), the film is taken to be in English
     and only those regions count: Wonder Woman is shown as such in all six, and also plainly
     in Hong Kong. (A foreign film is rarely released in three of them under its original
     title; A Ciambra, Italian, is shown so in two.)
  3. Where some candidates left have no `types`, only those count: the origin country's row is
     usually listed plainly, while a release abroad under the original title is an
     `imdbDisplay` row (La mélodie: FR plain; DE, PT, MX display titles).
  4. Where English-speaking regions still remain among several, only they count: English
     titles are kept abroad far more than others are (Coco: US and GR plain, so US).
  5. Countries: the regions left, at most MAX_COUNTRIES (US and GB first, the rest in
     alphabetical order). Languages: each such row's own language when the row names one (a
     Canadian row in `fr`, an Indian row in `ta`), else the region's principal language
     (PRINCIPAL_LANGUAGE; India's is Hindi, so "Bollywood", country IN and language hi, also
     takes in some Tamil and Telugu films whose Indian rows name no language).
Known misses: a film with no aka in its own country under its original title (only
transliterations, or a catalogue of one region's akas: the 2000-2022-us extract has only US
rows, so there only US films get a country) gets nothing; a co-production lists each country
that shows the original title plainly; an English-language film listed plainly only in a
region that keeps English titles is placed there. On the 2017 extract, 9 of the 70 most-voted
films get a wrong country (The Fate of the Furious -> CN, Atomic Blonde -> DE, Murder on the
Orient Express -> MT, Call Me by Your Name -> ES,FR: it has no Italian or US row).

The akas of a full dump are tens of millions of rows: everything is column-wise (Arrow and
numpy), rows are tied to movies by index, never by string joins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

WORLDWIDE = "XWW"
MAX_COUNTRIES = 3
ENGLISH_EVIDENCE = 3
FIRST_COUNTRIES = ("US", "GB")  # the largest producers of English-language films
ENGLISH = "en"
ENGLISH_SPEAKING = ("US", "GB", "CA", "AU", "NZ", "IE")
# A region's main language of film, ISO 639-1 as IMDb's akas write languages. Regions where no
# one language dominates film-making (CH, BE, LU) are left out; their rows count only when they
# name a language. IMDb's historical regions (SUHH, XWG, ...) are included.
# fmt: off
PRINCIPAL_LANGUAGE: dict[str, str] = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "NZ": "en", "IE": "en", "ZA": "en",
    "FR": "fr", "DE": "de", "AT": "de", "XWG": "de", "DDDE": "de", "IT": "it", "ES": "es",
    "MX": "es", "AR": "es", "CL": "es", "CO": "es", "PE": "es", "VE": "es", "UY": "es",
    "CU": "es", "PT": "pt", "BR": "pt", "NL": "nl", "SE": "sv", "NO": "no", "DK": "da",
    "FI": "fi", "IS": "is", "PL": "pl", "CZ": "cs", "CSHH": "cs", "SK": "sk", "HU": "hu",
    "RO": "ro", "BG": "bg", "GR": "el", "TR": "tr", "RU": "ru", "SUHH": "ru", "UA": "uk",
    "RS": "sr", "XYU": "sr", "HR": "hr", "SI": "sl", "EE": "et", "LV": "lv", "LT": "lt",
    "GE": "ka", "AM": "hy", "IL": "he", "IR": "fa", "EG": "ar", "LB": "ar", "SA": "ar",
    "IN": "hi", "PK": "ur", "BD": "bn", "LK": "si", "TH": "th", "VN": "vi", "ID": "id",
    "MY": "ms", "PH": "tl", "CN": "zh", "TW": "zh", "HK": "zh", "JP": "ja", "KR": "ko",
    "KP": "ko",
}
# fmt: on


def _strings(values: object) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)


def _key(titles: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.utf8_lower(pc.utf8_trim_whitespace(titles))


def _any_per_movie(movie_of: np.ndarray, flag: np.ndarray, n_movies: int) -> np.ndarray:
    found = np.zeros(n_movies, dtype=bool)
    found[movie_of[flag]] = True
    return found


def _positions(values: pa.Array | pa.ChunkedArray, names: pa.Array) -> np.ndarray:
    return pc.index_in(values, value_set=names).to_numpy(zero_copy_only=False).astype(np.int64)


def _distinct(movie_of: np.ndarray, codes: pa.Array, limit: int | None) -> pa.Table:
    """The distinct (movie, code) pairs, sorted by movie then code, at most `limit` per movie."""
    encoded = pc.dictionary_encode(codes)
    names = encoded.dictionary
    width = max(len(names), 1)
    # Number the codes (FIRST_COUNTRIES, then alphabetically), so that sorting the pairs as
    # integers sorts the codes.
    first = pc.fill_null(pc.index_in(names, value_set=pa.array(FIRST_COUNTRIES)), 99)
    order = pc.sort_indices(
        pa.table({"first": first, "name": names}), [("first", "ascending"), ("name", "ascending")]
    ).to_numpy()
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    pairs = np.unique(movie_of * width + rank[encoded.indices.to_numpy()])
    movies = pairs // width
    if limit is not None and len(pairs):
        starts = np.r_[0, np.flatnonzero(np.diff(movies)) + 1]
        position = np.arange(len(pairs)) - np.repeat(starts, np.diff(np.r_[starts, len(pairs)]))
        pairs, movies = pairs[position < limit], movies[position < limit]
    return pa.table({"movie": movies, "code": pc.take(names, pa.array(order[pairs % width]))})


def _joined(pairs: pa.Table, n_movies: int) -> list[str]:
    """Comma-joined codes per movie (in `pairs`' order), "" for a movie with none."""
    out = np.full(n_movies, "", dtype=object)
    if pairs.num_rows:
        grouped = pairs.group_by("movie", use_threads=False).aggregate([("code", "list")])
        out[grouped["movie"].to_numpy()] = pc.binary_join(grouped["code_list"], ",").to_numpy(
            zero_copy_only=False
        )
    return out.tolist()


def origins(
    tconsts: pa.Array, original_titles: pa.Array, akas: pa.Table
) -> tuple[list[str], list[str]]:
    """(countries, languages) per movie, in the order of `tconsts`, each comma-joined codes.

    `akas` has tconst, title, region, language (strings) and typed, annotated (booleans: the
    row's `types` / `attributes` are set), as `training.imdb.read_akas` gives them."""
    n = len(tconsts)
    region = akas["region"]
    usable = pc.and_(
        pc.not_equal(pc.fill_null(region, WORLDWIDE), WORLDWIDE),
        pc.invert(pc.fill_null(akas["annotated"], True)),
    )
    rows = akas.filter(usable)
    movie_index = pc.index_in(rows["tconst"], value_set=tconsts)
    known = pc.is_valid(movie_index)
    rows, movie_index = rows.filter(known), movie_index.filter(known)
    original = pc.take(_key(original_titles), movie_index)
    same = pc.fill_null(pc.equal(_key(rows["title"]), original), False)
    rows, movie_index = rows.filter(same), movie_index.filter(same)
    movie_of = movie_index.to_numpy(zero_copy_only=False).astype(np.int64)

    regions = rows["region"].combine_chunks()
    language = rows["language"].combine_chunks()
    english = pc.and_(
        pc.is_in(regions, value_set=pa.array(ENGLISH_SPEAKING)),
        pc.equal(pc.fill_null(language, ENGLISH), ENGLISH),
    ).to_numpy(zero_copy_only=False)
    english_regions = _distinct(movie_of[english], regions.filter(pa.array(english)), None)
    shown = np.bincount(english_regions["movie"].to_numpy(), minlength=n)
    keep = english | (shown < ENGLISH_EVIDENCE)[movie_of]
    plain = ~rows["typed"].to_numpy(zero_copy_only=False).astype(bool) & keep
    keep &= plain | ~_any_per_movie(movie_of, plain, n)[movie_of]
    keep &= english | ~_any_per_movie(movie_of, english & keep, n)[movie_of]

    kept = pa.array(keep)
    regions, language, movie_of = regions.filter(kept), language.filter(kept), movie_of[keep]
    countries = _distinct(movie_of, regions, MAX_COUNTRIES)
    # Only the rows of the countries kept speak for the languages: a row's own language, else
    # its region's principal one.
    names = regions.unique()
    width = max(len(names), 1)
    row_pairs = movie_of * width + _positions(regions, names)
    kept_pairs = countries["movie"].to_numpy() * width + _positions(countries["code"], names)
    counted = np.isin(row_pairs, kept_pairs)
    principal = pc.take(
        pa.array([*PRINCIPAL_LANGUAGE.values(), None], pa.string()),
        pc.fill_null(
            pc.index_in(regions, value_set=pa.array(list(PRINCIPAL_LANGUAGE))),
            len(PRINCIPAL_LANGUAGE),
        ),
    )
    spoken = pc.coalesce(language, principal)
    counted &= pc.is_valid(spoken).to_numpy(zero_copy_only=False)
    languages = _distinct(movie_of[counted], spoken.filter(pa.array(counted)), None)
    return _joined(countries, n), _joined(languages, n)


def with_origins(movies: pd.DataFrame, akas: pa.Table) -> pd.DataFrame:
    """`movies` with `origin_countries` and `origin_languages` (comma-joined codes, "" when
    unknown; the `languages` of the release features are another thing: every aka's)."""
    out = movies.copy()
    countries, languages = origins(
        _strings(movies["tconst"]), _strings(movies["original_title"]), akas
    )
    out["origin_countries"] = pd.Series(countries, index=out.index, dtype=object)
    out["origin_languages"] = pd.Series(languages, index=out.index, dtype=object)
    return out
