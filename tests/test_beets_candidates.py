"""Candidate search and id lookups of the plugin, loaded in-process against the real sample slice.

beets' own matcher (``tag_album``/``tag_item``) scores what the plugin returns, so these tests
check what users see: the right release first, with a recommendation strong enough for
``beet import -q`` when the tags allow it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from beets.autotag import Recommendation
from beets.autotag.match import tag_album, tag_item
from beets.autotag.source import Source
from beets.library import Item

from beetsplug.localspotify.audiofiles import album_file_specs, noisy_specs
from beetsplug.localspotify.candidates import FileAlbum, album_queries, primary_artist, without_credits, without_edition
from tests.beets_helpers import plugin_session

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
COMPILATION = "4RpgjxgSxcRwGNuWnImneN"
REBORN = "2Js9F9O6V6mDZTal95Iner"
SHALLOW_POPULAR, SHALLOW_OTHER = "59h727IciPDdyh4bdd0WWT", "0gvbUOhSJofzDL1DE9uWZq"


@pytest.fixture
def plugin(sample_catalog_path: Path, tmp_path: Path):
    with plugin_session(sample_catalog_path, tmp_path) as plugin:
        yield plugin


def _items(cat, album_id: str, *, noisy_seed: int | None = None, **tags_per_track) -> list[Item]:
    specs = album_file_specs(cat.album(album_id))
    if noisy_seed is not None:
        specs = noisy_specs(specs, random.Random(noisy_seed))
    return [Item(length=s.seconds, **{k: v for k, v in s.tags.items() if v is not None}) for s in specs]


def _ids_only(cat, album_id: str, field: str) -> list[Item]:
    """Files with nothing but one identifier per track (and their length)."""
    album = cat.album(album_id)
    full = cat.tracks([t["id"] for t in album["tracks"]["items"]])
    value = {"isrc": lambda t: t["external_ids"]["isrc"], "spotify_track_id": lambda t: t["id"]}[field]
    return [Item(length=t["duration_ms"] / 1000, **{field: value(t)}) for t in full]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Substance (Deluxe Edition)", "Substance"),
        ("Substance - Remastered 2015", "Substance"),
        ("Substance [Expanded Edition] (Remastered)", "Substance"),
        ("13 Reasons Why (Season 2)", "13 Reasons Why (Season 2)"),
        ("Infinita (Remixes)", "Infinita (Remixes)"),
    ],
)
def test_without_edition(name, expected):
    assert without_edition(name) == expected


def test_credit_helpers():
    assert without_credits("Start Again (feat. Logic)") == "Start Again"
    assert without_credits("Start Again ft. Logic") == "Start Again"
    assert primary_artist("OneRepublic feat. Logic") == "OneRepublic"
    assert primary_artist("Kavinsky, Angèle & Phoenix") == "Kavinsky"


@pytest.mark.parametrize(
    "album_id",
    [
        SUBSTANCE,
        f"spotify:album:{SUBSTANCE}",
        f"https://open.spotify.com/album/{SUBSTANCE}?si=abc",
        f"https://open.spotify.com/intl-de/album/{SUBSTANCE}",
    ],
)
def test_album_for_id_accepts_every_spotify_form(plugin, album_id):
    info = plugin.album_for_id(album_id)
    assert (info.album, info.album_id, len(info.tracks)) == ("Substance", SUBSTANCE, 24)


@pytest.mark.parametrize(
    "foreign_id",
    ["9d0c2d9c-8d1c-4c2a-9b7f-2f3e6c1d0b55", "302127", f"spotify:artist:{SUBSTANCE}", ""],
)
def test_non_spotify_ids_are_rejected_without_opening_the_catalog(tmp_path, foreign_id):
    # A missing catalog would log an error if it were opened: it must not even be tried.
    with plugin_session(tmp_path / "absent.duckdb", tmp_path) as plugin:
        assert list(plugin.albums_for_ids([foreign_id])) == [None]
        assert plugin.track_for_id(foreign_id) is None
        assert plugin._catalog is None and plugin._catalog_error is None


def test_tracks_for_ids_keeps_order_and_none(plugin):
    infos = list(plugin.tracks_for_ids(["5CRPGdCSOfstyTVK9Ja5EQ", "302127", "0000000000000000000000"]))
    assert infos[0].title == "Ceremony" and infos[0].isrc == "GBAAP0000867"
    assert infos[1:] == [None, None]


def test_clean_album_is_a_strong_match(plugin, sample_catalog):
    proposal = tag_album(Source.from_items(_items(sample_catalog, SUBSTANCE)))
    assert proposal.recommendation == Recommendation.strong
    assert proposal.candidates[0].info.album_id == SUBSTANCE


@pytest.mark.parametrize("seed", range(5))
def test_noisy_album_still_comes_first(plugin, sample_catalog, seed):
    proposal = tag_album(Source.from_items(_items(sample_catalog, SUBSTANCE, noisy_seed=seed)))
    assert proposal.candidates[0].info.album_id == SUBSTANCE


def test_compilation_credited_to_various_artists(plugin, sample_catalog):
    items = _items(sample_catalog, COMPILATION)
    for item in items:
        item.albumartist = "Various Artists"
        item.comp = True
    proposal = tag_album(Source.from_items(items))
    assert proposal.candidates[0].info.album_id == COMPILATION
    assert proposal.recommendation == Recommendation.strong


def test_missing_album_artist_and_album_found_by_titles(plugin, sample_catalog):
    items = _items(sample_catalog, REBORN)
    for item in items:
        item.albumartist = ""
        item.album = ""
    found = plugin.candidates(items, items[0].artist, "", False)
    assert found[0].album_id == REBORN


def test_isrcs_alone_find_the_album(plugin, sample_catalog):
    found = plugin.candidates(_ids_only(sample_catalog, REBORN, "isrc"), "", "", False)
    assert found[0].album_id == REBORN


def test_track_ids_pick_the_edition_that_shares_the_upc(plugin, sample_catalog):
    # Both "Shallow and Profound" editions share UPC, names, ISRCs and lengths: only the
    # track ids in the files tell them apart, so the less popular one must still win.
    items = _ids_only(sample_catalog, SHALLOW_OTHER, "spotify_track_id")
    for item in items:
        item.barcode = "5055489278100"
    found = plugin.candidates(items, "Yonderboi", "Shallow and Profound", False)
    assert [a.album_id for a in found] == [SHALLOW_OTHER]


def test_the_loosest_album_query_comes_first():
    # Searches match every word: the shortened name and first artist find what the full ones
    # would, so the full ones are flagged to run only when that first page is full.
    queries = album_queries(FileAlbum("Substance (Deluxe Edition)", "New Order feat. Arthur Baker", ()), [])
    assert queries[0] == ('album:"Substance" artist:"New Order"', "album", False)
    assert [narrower for query, kind, narrower in queries if kind == "album" and "artist:" in query] == [False, True, True, True]
    assert ('album:"Substance"', "album", False) in queries


def test_twin_editions_are_offered_but_not_applied_unasked(plugin, sample_catalog):
    # Names, credits, date, label, titles and lengths are the same on both editions: clean
    # tags cannot say which one they come from, so beets must ask rather than guess under -q.
    proposal = tag_album(Source.from_items(_items(sample_catalog, SHALLOW_OTHER)))
    assert {c.info.album_id for c in proposal.candidates[:2]} == {SHALLOW_POPULAR, SHALLOW_OTHER}
    assert proposal.candidates[0].distance.distance == proposal.candidates[1].distance.distance > 0.04
    assert proposal.recommendation == Recommendation.medium


def test_track_ids_still_apply_one_twin(plugin, sample_catalog):
    items = _items(sample_catalog, SHALLOW_OTHER)
    full = sample_catalog.album(SHALLOW_OTHER)["tracks"]["items"]
    for item, track in zip(items, full):
        item.spotify_track_id = track["id"]
    proposal = tag_album(Source.from_items(items))
    assert proposal.candidates[0].info.album_id == SHALLOW_OTHER
    assert proposal.recommendation == Recommendation.strong


def test_barcode_finds_every_edition(plugin):
    items = [Item(barcode="5055489278100", title="Intro", length=63.4)]
    found = plugin.candidates(items, "", "", False)
    assert {a.album_id for a in found} == {SHALLOW_POPULAR, SHALLOW_OTHER}


def test_spotify_ids_in_musicbrainz_fields_are_used(plugin, sample_catalog):
    # Files tagged by beets' built-in spotify plugin carry Spotify ids in mb_albumid.
    items = _items(sample_catalog, SHALLOW_OTHER)
    for item in items:
        item.mb_albumid = SHALLOW_OTHER
    assert [a.album_id for a in plugin.candidates(items, "Yonderboi", "Shallow and Profound", False)] == [
        SHALLOW_OTHER
    ]


def test_album_not_in_catalog_is_not_recommended(plugin):
    items = [
        Item(title=title, artist="New Order", albumartist="New Order", album="Republic", track=n, length=length)
        for n, (title, length) in enumerate([("Regret", 249.0), ("World", 288.0), ("Ruined in a Day", 262.0)], 1)
    ]
    proposal = tag_album(Source.from_items(items))
    assert proposal.recommendation != Recommendation.strong


def test_search_limit_is_respected(sample_catalog_path, tmp_path):
    with plugin_session(sample_catalog_path, tmp_path, search_limit=1) as plugin:
        assert len(plugin.candidates([Item(barcode="5055489278100")], "", "", False)) == 1


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"title": "blue monday", "artist": "NEW ORDER", "length": 449.0}, "Blue Monday"),
        ({"title": "Start Again ft. Logic", "artist": "OneRepublic feat. Logic", "length": 166.0}, "Start Again"),
        ({"isrc": "GBAAP0000867"}, "Ceremony"),
        ({"spotify_track_id": "https://open.spotify.com/intl-fr/track/5CRPGdCSOfstyTVK9Ja5EQ"}, "Ceremony"),
    ],
)
def test_singleton_candidates(plugin, tags, expected):
    item = Item(**tags)
    proposal = tag_item(Source.from_item(item))
    assert proposal.candidates[0].info.title.startswith(expected)


def test_missing_catalog_gives_no_candidates_and_one_clear_error(tmp_path):
    with plugin_session(tmp_path / "absent.duckdb", tmp_path) as plugin:
        assert plugin.candidates([Item(title="x")], "a", "b", False) == []
        assert plugin.item_candidates(Item(title="x"), "a", "x") == []
        assert "no catalog at" in plugin._catalog_error
        assert "localspotify.catalog" in plugin._catalog_error
