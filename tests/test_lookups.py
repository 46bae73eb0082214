"""Lookups by id, ISRC and UPC on a catalog built from the real slice of the dump."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from catalog import Catalog
from catalog.trackfile import ID_KEY, ISRC_KEY, id_key, isrc_key

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
THIRTEEN_REASONS = "4RpgjxgSxcRwGNuWnImneN"
ASOT_1145_ROWID = 95621  # the 102-track DJ mix with 124 artist_albums rows
SHALLOW_AND_PROFOUND_UPC = "5055489278100"
CEREMONY = "5CRPGdCSOfstyTVK9Ja5EQ"  # Substance, track 1
INTERNAL_KEYS = {"rowid", "album_rowid", "pos", "album_pos", "key", "dump_rowid", "markets_rowid", "track_start"}


def all_keys(obj: object) -> set[str]:
    if isinstance(obj, dict):
        return set(obj) | {k for v in obj.values() for k in all_keys(v)}
    if isinstance(obj, list):
        return {k for v in obj for k in all_keys(v)}
    return set()


def test_album_is_substance_with_24_tracks_in_order(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    assert album["name"] == "Substance"
    assert [a["name"] for a in album["artists"]] == ["New Order"]
    assert album["tracks"]["total"] == 24
    items = album["tracks"]["items"]
    assert len(items) == 24
    assert [(t["disc_number"], t["track_number"]) for t in items] == sorted((t["disc_number"], t["track_number"]) for t in items)
    assert items[0]["name"] == "Ceremony"
    assert items[3]["name"] == "Blue Monday"
    assert album["release_date"] == "1987-08-17" and album["release_date_precision"] == "day"
    assert album["external_ids"] == {"upc": "190295211592"}
    assert album["copyrights"] == [
        {"text": "© 1987 Warner Music UK Limited", "type": "C"},
        {"text": "℗ 1987 Warner Music UK Limited", "type": "P"},
    ]
    assert [i["width"] for i in album["images"]] == [640, 300, 64]


def test_compilation_keeps_only_its_real_album_artists(sample_catalog: Catalog) -> None:
    # The original clone joined every artist_albums row and listed appears-on artists as album artists.
    album = sample_catalog.album(THIRTEEN_REASONS)
    assert album is not None
    assert album["album_type"] == "compilation"
    assert [a["name"] for a in album["artists"]] == ["Selena Gomez", "OneRepublic", "YUNGBLUD"]
    assert album["tracks"]["total"] == 20


def test_dj_mix_album_has_few_album_artists_not_124(sample_catalog: Catalog) -> None:
    result = sample_catalog.search("upc:8718522435928", ["album"])
    (album_ref,) = result["albums"]["items"]
    album = sample_catalog.album(album_ref["id"])
    assert album is not None and album["tracks"]["total"] == 102
    assert 1 <= len(album["artists"]) <= 3


def test_editions_share_one_upc(sample_catalog: Catalog) -> None:
    albums = sample_catalog.albums_by_upc(SHALLOW_AND_PROFOUND_UPC)
    assert [a["name"] for a in albums] == ["Shallow and Profound", "Shallow and Profound"]
    assert len({a["id"] for a in albums}) == 2
    assert all(a["external_ids"]["upc"] == SHALLOW_AND_PROFOUND_UPC for a in albums)
    assert albums[0]["popularity"] >= albums[1]["popularity"]


def test_upc_keeps_leading_zeros(sample_catalog: Catalog) -> None:
    (album,) = sample_catalog.albums_by_upc("00602567710431")
    assert album["id"] == THIRTEEN_REASONS
    assert sample_catalog.albums_by_upc("602567710431") == []


def test_track_object_has_spotify_shape_and_types(sample_catalog: Catalog) -> None:
    track = sample_catalog.track(CEREMONY)
    assert track is not None
    assert track["name"] == "Ceremony"
    assert track["explicit"] is False
    assert track["is_local"] is False
    assert track["external_ids"] == {"isrc": "GBAAP0000867"}
    assert track["uri"] == f"spotify:track:{CEREMONY}"
    assert track["href"] == f"https://api.spotify.com/v1/tracks/{CEREMONY}"
    assert track["external_urls"] == {"spotify": f"https://open.spotify.com/track/{CEREMONY}"}
    assert track["album"]["id"] == SUBSTANCE and "tracks" not in track["album"]
    assert [a["name"] for a in track["artists"]] == ["New Order"]
    assert set(track["artists"][0]) == {"external_urls", "href", "id", "name", "type", "uri"}
    assert isinstance(track["available_markets"], list) and "GB" in track["available_markets"]
    assert not all_keys(track) & INTERNAL_KEYS
    json.dumps(track)  # plain JSON types only


def test_base_url_is_used_for_every_href(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE, base="http://127.0.0.1:8000/v1")
    assert album is not None
    hrefs = [album["href"], album["tracks"]["href"], album["artists"][0]["href"], album["tracks"]["items"][0]["href"]]
    assert all(h.startswith("http://127.0.0.1:8000/v1/") for h in hrefs)


def test_market_gives_is_playable_instead_of_the_market_list(sample_catalog: Catalog) -> None:
    playable = sample_catalog.track(CEREMONY, market="gb")
    nowhere = sample_catalog.track(CEREMONY, market="ZZ")
    assert playable is not None and nowhere is not None
    assert playable["is_playable"] is True and playable["available_markets"] == ["GB"]
    assert nowhere["is_playable"] is False and nowhere["available_markets"] == []


def test_batches_keep_order_and_put_none_in_place(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    ids = [t["id"] for t in album["tracks"]["items"][:3]]
    unknown = "0000000000000000000000"
    result = sample_catalog.tracks([ids[2], unknown, "not an id", ids[0], ids[2]])
    assert [t["id"] if t else None for t in result] == [ids[2], None, None, ids[0], ids[2]]
    albums = sample_catalog.albums([unknown, SUBSTANCE])
    assert albums[0] is None and albums[1] is not None and albums[1]["name"] == "Substance"


def test_an_object_and_the_objects_inside_it_read_their_artists_at_once(sample_catalog_path: Path) -> None:
    statements: list[str] = []
    with Catalog.open(sample_catalog_path, tracer=lambda source, sql, params, seconds: statements.append(sql)) as cat:
        track = cat.track(CEREMONY)
        assert track is not None and track["artists"] and track["album"]["artists"]
        assert sum("FROM artists" in sql for sql in statements) == 1
        statements.clear()
        album = cat.album(SUBSTANCE)
        assert album is not None and all(t["artists"] for t in album["tracks"]["items"])
        assert sum("FROM artists" in sql for sql in statements) == 1


@pytest.mark.parametrize(
    "value",
    [
        SUBSTANCE,
        f"spotify:album:{SUBSTANCE}",
        f"https://open.spotify.com/album/{SUBSTANCE}",
        f"https://open.spotify.com/intl-de/album/{SUBSTANCE}?si=abc",
    ],
)
def test_album_accepts_ids_uris_and_links(sample_catalog: Catalog, value: str) -> None:
    album = sample_catalog.album(value)
    assert album is not None and album["id"] == SUBSTANCE


def test_invalid_id_is_an_error_for_single_lookups(sample_catalog: Catalog) -> None:
    from catalog import InvalidId

    with pytest.raises(InvalidId, match="invalid album id"):
        sample_catalog.album("x'; OR 1=1")
    with pytest.raises(InvalidId):
        sample_catalog.album(f"spotify:track:{CEREMONY}")  # a track URI is not an album id


def test_unknown_ids_give_none(sample_catalog: Catalog) -> None:
    assert sample_catalog.track("0000000000000000000000") is None
    assert sample_catalog.album("0000000000000000000000") is None
    assert sample_catalog.artist("0000000000000000000000") is None


def test_an_id_sharing_a_key_with_a_track_is_not_that_track(sample_catalog: Catalog) -> None:
    # A track id's key is its first 8 characters (see catalog.trackfile): the row found is checked.
    impostor = CEREMONY[:8] + "0" * 14
    assert sample_catalog.track(impostor) is None
    assert sample_catalog.tracks([impostor, CEREMONY])[0] is None
    assert sample_catalog.audio_features([impostor]) == [None]
    assert sample_catalog.track_facts([impostor]) == [None]


def test_track_keys_are_the_same_in_python_and_duckdb(sample_catalog: Catalog) -> None:
    tracks = sample_catalog.tracks_by_isrc("gbaap0000867") + sample_catalog.album(SUBSTANCE)["tracks"]["items"]
    values = [(t["id"], t["external_ids"].get("isrc", "")) for t in sample_catalog.tracks([t["id"] for t in tracks])]
    query = f"SELECT {ID_KEY.format('id')}, {ISRC_KEY.format('isrc')} FROM (VALUES (?, ?)) v(id, isrc)"
    with duckdb.connect() as con:
        for track_id, isrc in values + [("é", "ÀB-12"), ("", "")]:
            assert con.execute(query, [track_id, isrc]).fetchall() == [(id_key(track_id), isrc_key(isrc))]


def test_isrc_lookup_finds_the_track(sample_catalog: Catalog) -> None:
    tracks = sample_catalog.tracks_by_isrc("gbaap0000867")
    assert [t["id"] for t in tracks] == [CEREMONY]
    assert sample_catalog.tracks_by_isrc("ZZZZZ0000000") == []


def test_artist_object(sample_catalog: Catalog) -> None:
    track = sample_catalog.track(CEREMONY)
    assert track is not None
    artist = sample_catalog.artist(track["artists"][0]["id"])
    assert artist is not None
    assert artist["name"] == "New Order"
    assert set(artist["followers"]) == {"href", "total"} and artist["followers"]["href"] is None
    assert isinstance(artist["followers"]["total"], int) and artist["followers"]["total"] > 0
    assert isinstance(artist["genres"], list)
    assert 0 <= artist["popularity"] <= 100


def test_album_tracks_pages_with_links(sample_catalog: Catalog) -> None:
    page = sample_catalog.album_tracks(SUBSTANCE, limit=10, offset=10)
    assert page is not None
    assert page["total"] == 24 and page["limit"] == 10 and page["offset"] == 10
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    assert [t["id"] for t in page["items"]] == [t["id"] for t in album["tracks"]["items"][10:20]]
    assert [(t["disc_number"], t["track_number"]) for t in page["items"][1:3]] == [(1, 12), (2, 1)]
    assert page["next"] is not None and "offset=20" in page["next"]
    assert page["previous"] is not None and "offset=0" in page["previous"]
    last = sample_catalog.album_tracks(SUBSTANCE, limit=10, offset=20)
    assert last is not None and len(last["items"]) == 4 and last["next"] is None
    assert sample_catalog.album_tracks("0000000000000000000000") is None


def test_album_tracks_limit_follows_spotify(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE, track_limit=5)
    assert album is not None
    assert len(album["tracks"]["items"]) == 5 and album["tracks"]["total"] == 24 and album["tracks"]["next"]
    with pytest.raises(ValueError, match="limit must be between 1 and 50"):
        sample_catalog.album_tracks(SUBSTANCE, limit=51)


def test_albums_without_their_tracklists(sample_catalog: Catalog) -> None:
    (album,) = sample_catalog.albums([SUBSTANCE], track_limit=0)
    assert album is not None and album["name"] == "Substance"
    assert album["tracks"]["items"] == [] and album["tracks"]["total"] == 24 and album["tracks"]["next"] is None


def test_artist_albums_by_group(sample_catalog: Catalog) -> None:
    track = sample_catalog.track(CEREMONY)
    assert track is not None
    new_order = track["artists"][0]["id"]
    page = sample_catalog.artist_albums(new_order)
    assert page is not None
    groups = [a["album_group"] for a in page["items"]]
    assert groups == sorted(groups, key=["album", "single", "compilation", "appears_on"].index)
    names = {a["name"] for a in page["items"]}
    assert {"Substance", "Power Corruption and Lies"} <= names
    own = sample_catalog.artist_albums(new_order, include_groups=["album"])
    assert own is not None and {a["album_group"] for a in own["items"]} == {"album"}
    appears = sample_catalog.artist_albums(new_order, include_groups=["appears_on"])
    assert appears is not None and "13 Reasons Why (Season 2)" in {a["name"] for a in appears["items"]}
    with pytest.raises(ValueError, match="unknown include_groups"):
        sample_catalog.artist_albums(new_order, include_groups=["bootleg"])


def test_artist_top_tracks_are_most_popular_first(sample_catalog: Catalog) -> None:
    track = sample_catalog.track(CEREMONY)
    assert track is not None
    top = sample_catalog.artist_top_tracks(track["artists"][0]["id"])
    assert top is not None and 1 <= len(top) <= 10
    popularity = [t["popularity"] for t in top]
    assert popularity == sorted(popularity, reverse=True)
    assert all(track["artists"][0]["id"] in {a["id"] for a in t["artists"]} for t in top)


def test_audio_features_are_numbers(sample_catalog: Catalog) -> None:
    features, missing = sample_catalog.audio_features([CEREMONY, "0000000000000000000000"])
    assert missing is None
    assert features is not None
    assert features["id"] == CEREMONY and features["type"] == "audio_features"
    assert isinstance(features["tempo"], float) and 40 < features["tempo"] < 250
    assert isinstance(features["key"], int) and -1 <= features["key"] <= 11
    assert features["mode"] in (0, 1)
    assert isinstance(features["duration_ms"], int)
    for name in ("danceability", "energy", "valence", "acousticness"):
        assert isinstance(features[name], float) and 0 <= features[name] <= 1
