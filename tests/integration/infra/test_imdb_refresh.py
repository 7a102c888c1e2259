"""The IMDb refresh against a local stand-in of IMDb's site and moto S3: copies what changed,
only that, and never leaves a short copy that would pass for current."""

from __future__ import annotations

import gzip

import boto3
import pytest

from infra.imdb_refresh import DATA_PREFIX, RefreshError, refresh_imdb
from tests.integration.infra.conftest_helpers import BUCKET, REGION, ImdbSite

NAMES = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")


def _dump(text: str) -> bytes:
    return gzip.compress(text.encode())


@pytest.fixture
def site(imdb_site: ImdbSite) -> ImdbSite:
    for name in NAMES:
        imdb_site.put(name, _dump(f"header of {name}\nrow\t1\n"))
    return imdb_site


def _s3_body(key: str) -> bytes:
    s3 = boto3.client("s3", region_name=REGION)
    return bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def test_first_refresh_copies_all_then_nothing_until_one_changes(aws: None, site: ImdbSite) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    first = refresh_imdb(s3, BUCKET, site.url, NAMES)
    assert [r.copied for r in first] == [True, True, True]
    for name in NAMES:
        assert _s3_body(DATA_PREFIX + name) == site.files[name]

    again = refresh_imdb(s3, BUCKET, site.url, NAMES)
    assert [r.copied for r in again] == [False, False, False]
    assert len(site.gets) == 3  # unchanged files cost a HEAD, not a download

    site.put("title.ratings.tsv.gz", _dump("header\nrow\t2\nrow\t3\n"))
    third = refresh_imdb(s3, BUCKET, site.url, NAMES)
    assert [r.name for r in third if r.copied] == ["title.ratings.tsv.gz"]
    assert _s3_body(DATA_PREFIX + "title.ratings.tsv.gz") == site.files["title.ratings.tsv.gz"]


def test_unreachable_source_trains_on_the_copy_already_there(aws: None, site: ImdbSite) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    refresh_imdb(s3, BUCKET, site.url, NAMES)
    dead = "http://127.0.0.1:9/"  # discard port: nothing listens
    results = refresh_imdb(s3, BUCKET, dead, NAMES)
    assert [r.copied for r in results] == [False, False, False]
    assert all("unreachable" in r.note for r in results)


def test_unreachable_source_with_no_copy_is_a_clear_error(aws: None) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    with pytest.raises(RefreshError, match=r"title\.basics\.tsv\.gz.*unreachable.*no copy"):
        refresh_imdb(s3, BUCKET, "http://127.0.0.1:9/", NAMES)


def test_a_missing_file_on_the_site_is_an_error_not_an_empty_copy(
    aws: None, site: ImdbSite
) -> None:
    del site.files["title.akas.tsv.gz"]
    s3 = boto3.client("s3", region_name=REGION)
    with pytest.raises(RefreshError, match=r"title\.akas\.tsv\.gz.*404"):
        refresh_imdb(s3, BUCKET, site.url, NAMES)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=DATA_PREFIX + "title.akas")
    assert listed.get("KeyCount", 0) == 0
