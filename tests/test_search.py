"""Search: Spotify's query syntax, normalisation and ranking, on the real slice."""

from __future__ import annotations

import duckdb
import pytest

from catalog import Catalog, QueryRejected
from catalog.fixtures import sample_dump_dir
from catalog.query import parse_query
from catalog.text import tokens


def names(result: dict, key: str) -> list[str]:
    return [item["name"] for item in result[key]["items"]]


@pytest.mark.parametrize(
    "text, field, expected",
    [
        ('album:"Power, Corruption & Lies"', "album", ["Power, Corruption & Lies"]),
        ('artist:"Above & Beyond" track:"A/B"', "artist", ["Above & Beyond"]),
        ("artist:kavinsky nightcall", "artist", ["kavinsky"]),
        ("isrc:gbaap0000867", "isrc", ["GBAAP0000867"]),
        ("upc:00602567710431", "upc", ["00602567710431"]),
        ('genre:"progressive trance"', "genre", ["progressive trance"]),
        ("blue monday", "words", ["blue", "monday"]),
        ("foo:bar baz", "words", ["foo:bar", "baz"]),
    ],
)
def test_parse_query_fields(text: str, field: str, expected: list[str]) -> None:
    assert getattr(parse_query(text), field) == expected


@pytest.mark.parametrize("text, expected", [("x year:1987", (1987, 1987)), ("x year:1980-1989", (1980, 1989))])
def test_parse_year(text: str, expected: tuple[int, int]) -> None:
    assert parse_query(text).year == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("year:1987", "year: alone would scan"),
        ("x year:87", "is not a year"),
        ("x year:1999-1990", "ends before it starts"),
        ("tag:new", "tag:new"),
        ("x" * 600, "longer than"),
    ],
)
def test_bad_queries_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(QueryRejected, match=message):
        parse_query(text)


def test_quoted_album_with_punctuation_finds_the_album(sample_catalog: Catalog) -> None:
    # The dump spells it "Power Corruption and Lies": "&" is "and" and commas do not matter.
    result = sample_catalog.search('album:"Power, Corruption & Lies"', ["album"])
    assert names(result, "albums") == ["Power Corruption and Lies"]


def test_free_words_match_title_and_artist(sample_catalog: Catalog) -> None:
    result = sample_catalog.search("blue monday new order", ["track"])
    assert names(result, "tracks")[0] == "Blue Monday"


def test_artist_filter_ranks_every_credit_by_popularity(sample_catalog: Catalog) -> None:
    # A featured credit is as much a match of artist: as a solo one.
    result = sample_catalog.search("artist:kavinsky", ["track"], limit=50)
    tracks = result["tracks"]["items"]
    assert all("Kavinsky" in [a["name"] for a in t["artists"]] for t in tracks)
    assert any(len(t["artists"]) > 1 for t in tracks)
    popularity = [t["popularity"] for t in tracks]
    assert popularity == sorted(popularity, reverse=True)


def test_exact_title_ranks_first(sample_catalog: Catalog) -> None:
    # "Nightcall" should come before longer titles containing the word.
    result = sample_catalog.search("nightcall", ["track"], limit=50)
    found = names(result, "tracks")
    assert found[0] == "Nightcall"
    exact = [n for n in found if n == "Nightcall"]
    assert found[: len(exact)] == exact


def test_case_accents_and_punctuation_do_not_matter(sample_catalog: Catalog) -> None:
    plain = sample_catalog.search("artist:kavinsky", ["track"], limit=50)
    noisy = sample_catalog.search("artist:KÁVINSKY!", ["track"], limit=50)
    assert plain["tracks"]["total"] > 0
    assert [t["id"] for t in noisy["tracks"]["items"]] == [t["id"] for t in plain["tracks"]["items"]]


def test_feat_credits_are_ignored(sample_catalog: Catalog) -> None:
    with_feat = sample_catalog.search("nightcall feat. kavinsky", ["track"])
    assert with_feat["tracks"]["total"] == sample_catalog.search("nightcall kavinsky", ["track"])["tracks"]["total"] > 0


def test_year_range_filters(sample_catalog: Catalog) -> None:
    eighties = sample_catalog.search("artist:\"new order\" year:1980-1989", ["album"])
    assert sorted(names(eighties, "albums")) == ["Power Corruption and Lies", "Substance"]
    assert sample_catalog.search('artist:"new order" year:2020', ["album"])["albums"]["total"] == 0


def test_isrc_and_upc_filters(sample_catalog: Catalog) -> None:
    assert names(sample_catalog.search("isrc:GBAAP0000867", ["track"]), "tracks") == ["Ceremony"]
    editions = sample_catalog.search("upc:5055489278100", ["album"])
    assert names(editions, "albums") == ["Shallow and Profound", "Shallow and Profound"]


def test_genre_filter_on_artists(sample_catalog: Catalog) -> None:
    result = sample_catalog.search('genre:"progressive trance"', ["artist"], limit=50)
    assert result["artists"]["total"] > 0
    assert all("progressive trance" in a["genres"] for a in result["artists"]["items"])


def test_popularity_breaks_ties(sample_catalog: Catalog) -> None:
    # Every genre match scores the same, so popularity alone orders them.
    result = sample_catalog.search("genre:trance", ["track"], limit=50)
    popularity = [t["popularity"] for t in result["tracks"]["items"]]
    assert popularity == sorted(popularity, reverse=True)


def test_paging_is_consistent(sample_catalog: Catalog) -> None:
    everything = sample_catalog.search("genre:trance", ["track"], limit=50)
    first = sample_catalog.search("genre:trance", ["track"], limit=10)
    second = sample_catalog.search("genre:trance", ["track"], limit=10, offset=10)
    ids = [t["id"] for t in everything["tracks"]["items"]]
    assert [t["id"] for t in first["tracks"]["items"] + second["tracks"]["items"]] == ids[:20]
    assert second["tracks"]["previous"] is not None and "offset=0" in second["tracks"]["previous"]
    assert first["tracks"]["total"] == everything["tracks"]["total"] > 20


def test_no_match_is_empty_not_an_error(sample_catalog: Catalog) -> None:
    result = sample_catalog.search("zzzxqqq", ["track", "album", "artist"])
    assert {k: v["total"] for k, v in result.items()} == {"tracks": 0, "albums": 0, "artists": 0}


def test_search_keys_are_plural(sample_catalog: Catalog) -> None:
    # The original clone answered under "track": beets found nothing.
    assert set(sample_catalog.search("love", ["track", "artist"])) == {"tracks", "artists"}


@pytest.mark.parametrize("q", ["'; DROP TABLE tracks; --", 'artist:"\\" OR 1=1', "%_%", "isrc:' OR ''='"])
def test_injection_attempts_are_just_words(sample_catalog: Catalog, q: str) -> None:
    result = sample_catalog.search(q, ["track", "album", "artist"])
    assert all(page["total"] == 0 for page in result.values())
    assert sample_catalog.album("6iHuSGy6pq4tNGFV3ZVPtl") is not None


def test_bad_type_and_limit(sample_catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="unknown search type"):
        sample_catalog.search("love", ["playlist"])
    with pytest.raises(ValueError, match="limit must be between 1 and 50"):
        sample_catalog.search("love", ["track"], limit=0)


def test_long_titles_are_searched_by_their_rarest_words(sample_catalog: Catalog) -> None:
    title = "In Search of Sunrise 18 (mixed by Markus Schulz, Matt Fax & Dennis Sheperd)"
    result = sample_catalog.search(f'album:"{title}"', ["album"])
    assert names(result, "albums") == [title]


def brute_force_tracks(cat: Catalog, words: list[str]) -> list[tuple[float, int, str]]:
    """(score, popularity, id) of every track of the real slice matching every word, ranked, by
    reading every track: each word scores 1 / length of the best field holding it (the track's
    name, one of its artists' names, its album's name)."""
    wanted = list(dict.fromkeys(t for w in words for t in tokens(w)))
    album_ids = [row[0] for row in duckdb.sql(f"SELECT id FROM read_parquet('{sample_dump_dir()}/albums.parquet')").fetchall()]
    matches = []
    for album in cat.albums(album_ids):
        for track in album["tracks"]["items"]:
            fields = [tokens(track["name"]), tokens(album["name"])] + [tokens(a["name"]) for a in track["artists"]]
            weights = [max((1 / len(f) for f in fields if t in f), default=0.0) for t in wanted]
            if all(weights):
                popularity = cat.track(track["id"])["popularity"]
                matches.append((sum(weights), popularity, track["id"]))
    return sorted(matches, key=lambda m: (-m[0], -m[1]))


def test_a_track_search_by_album_name_finds_the_albums_tracks(sample_catalog: Catalog) -> None:
    """A track's album name is searched in the albums' postings: the album's whole run of tracks."""
    found = sample_catalog.search("album:substance", ["track"], limit=50)["tracks"]
    album = sample_catalog.album("6iHuSGy6pq4tNGFV3ZVPtl")
    assert album is not None
    assert found["total"] == 24
    assert sorted(t["id"] for t in found["items"]) == sorted(t["id"] for t in album["tracks"]["items"])


@pytest.mark.parametrize("q", ["the", "love", "new order", "of the", "remix", "a", "in the night", "mix feat", "substance 1987"])
def test_track_search_agrees_with_reading_every_track(sample_catalog: Catalog, q: str) -> None:
    expected = brute_force_tracks(sample_catalog, q.split())
    found = sample_catalog.search(q, ["track"], limit=50)["tracks"]
    assert found["total"] == len(expected)
    assert len(found["items"]) == min(50, len(expected))
    by_id = {track_id: (score, popularity) for score, popularity, track_id in expected}
    ranked = [by_id[item["id"]] for item in found["items"]]
    assert [round(score, 9) for score, _ in ranked] == [round(score, 9) for score, _, _ in expected[: len(ranked)]]
    assert ranked == sorted(ranked, key=lambda r: (-round(r[0], 9), -r[1]))


@pytest.mark.parametrize(
    "q, kind",
    [("night remix", "track"), ("blue sky", "track"), ("my heart", "track"), ("love me", "album"),
     ("love genre:pop", "track"), ("genre:rock the", "track"), ("the genre:pop", "artist"),
     ("album:love", "track"), ("album:night the", "track")],
)
def test_a_shorter_cut_finds_a_subset_in_the_same_order(
    synthetic_catalog: Catalog, monkeypatch: pytest.MonkeyPatch, q: str, kind: str
) -> None:
    """With the driving word cut to its 50 most popular matches instead of 500 (the test catalog's
    long-run copy), fewer items may be found, and each of them is one the longer cut finds too,
    in the same order."""
    import catalog.search as search

    key = f"{kind}s"
    uncut = synthetic_catalog.search(q, [kind], limit=50)[key]
    assert uncut["total"] > 0
    monkeypatch.setattr(search, "DRIVER_ROWS", 50)
    cut = synthetic_catalog.search(q, [kind], limit=50)[key]
    assert cut["total"] <= uncut["total"]
    monkeypatch.undo()
    rank = {item_id: n for n, item_id in enumerate(all_ids(synthetic_catalog, q, kind))}
    ranked = [rank[i["id"]] for i in cut["items"] if i["id"] in rank]
    assert ranked == sorted(ranked)
    if uncut["total"] <= len(rank):
        assert len(ranked) == len(cut["items"])


def all_ids(cat: Catalog, q: str, kind: str) -> list[str]:
    """Every id the search finds, in rank order, page by page."""
    ids: list[str] = []
    while len(ids) <= 1000:
        page = cat.search(q, [kind], limit=50, offset=len(ids))[f"{kind}s"]
        ids += [i["id"] for i in page["items"]]
        if len(ids) >= page["total"] or not page["items"]:
            break
    return ids
