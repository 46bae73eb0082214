"""The plugin's pure logic, without Picard or Qt: text matching, album fitting, the lookups
(driven synchronously against the real sample catalog), the HTTP plan and the tag mapping."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from catalog import Catalog
from picard_plugin.errors import LookupCrashed, ServerUnreachable
from picard_plugin.lookups import (
    Albums,
    AudioFeatures,
    Call,
    Search,
    Tracks,
    add_track_pages,
    album_track_pages,
    barcode_variants,
    combine,
    enrich_release,
    find_candidates,
    http_calls,
    run_lookup,
    run_sync,
)
from picard_plugin.matching import (
    AlbumClue,
    Decision,
    Fit,
    TrackClue,
    artist_similarity,
    barcodes_equal,
    best_edition,
    core_title,
    decide,
    duration_similarity,
    first_int,
    normalize,
    pick_track,
    title_similarity,
)
from picard_plugin.settings import GENRE_LEAVE, Settings, read_settings
from picard_plugin.tags import album_track_tags, enrichment_tags, merge_genres, musical_key, release_date

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"
NIGHTCALL_EP = "07nBld9enf1PyRysZAVSqJ"
SHALLOW = ("59h727IciPDdyh4bdd0WWT", "0gvbUOhSJofzDL1DE9uWZq")
ASOT = "2FmeMbrSobUISc2dBWfrnD"
"""A 102-track DJ mix: more than two pages of album tracks."""


# -- text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Power, Corruption & Lies", "power corruption and lies"),
        ("Everything’s Gone Green", "everythings gone green"),
        ("Beyoncé", "beyonce"),
        ('Thieves like Us - 12" Extended', "thieves like us 12 extended"),
    ],
)
def test_normalize(text: str, expected: str):
    assert normalize(text) == expected


def test_core_title_drops_edition_suffixes():
    assert (
        core_title('Thieves like Us - 12" Extended') == core_title("Thieves Like Us (Remastered)") == "thieves like us"
    )


@pytest.mark.parametrize(
    "a, b, low, high",
    [
        ("Blue Monday", "BLUE MONDAY", 1.0, 1.0),
        ("The Perfect Kiss", "The Perfect Kiss - Substance Edit", 0.9, 0.9),
        ("Blue Monday", "True Faith", 0.0, 0.4),
        ("", "True Faith", 0.0, 0.0),
    ],
)
def test_title_similarity(a: str, b: str, low: float, high: float):
    assert low <= title_similarity(a, b) <= high


def test_artist_similarity_looks_at_the_first_artist_of_any_credit_style():
    assert artist_similarity("Kavinsky feat. Lovefoxxx", "Kavinsky, Lovefoxxx") == 1.0
    assert artist_similarity("new order", "New Order") == 1.0
    assert artist_similarity("Yonderboi", "New Order") < 0.5


def test_duration_similarity():
    assert duration_similarity(263600, 265000) == 1.0
    assert duration_similarity(263600, 263600 + 11000) == pytest.approx(0.5)
    assert duration_similarity(263600, 300000) == 0.0
    assert duration_similarity(None, 300000) is None


def test_numbers_and_barcodes():
    assert (first_int("3/12"), first_int(" 7"), first_int("A1"), first_int(None)) == (3, 7, None, None)
    assert barcodes_equal("0190295211592", "190295211592")
    assert not barcodes_equal("", "")
    assert barcode_variants("602537292066") == ["602537292066", "0602537292066", "00602537292066"]
    assert barcode_variants("00000") == []


# -- lookups against the real catalog --------------------------------------------------------------


class CountingCatalog:
    """The catalog, counting the calls a lookup makes (each is one HTTP request or batch)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.catalog, name)


def release_clue(catalog: Catalog, album_id: str, *, barcode: str | None = "", isrcs: bool = True) -> AlbumClue:
    """An album clue like a MusicBrainz release of this Spotify album: titles without Spotify's
    edition suffixes, lengths a little off."""
    album = catalog.album(album_id)
    tracks = catalog.tracks([t["id"] for t in album["tracks"]["items"]])
    return AlbumClue(
        title=album["name"],
        artist=album["artists"][0]["name"],
        barcodes=() if barcode is None else (barcode or album["external_ids"]["upc"],),
        tracks=tuple(
            TrackClue(
                key=index,
                title=t["name"].split(" - ")[0],
                length_ms=t["duration_ms"] + 900,
                isrcs=(t["external_ids"]["isrc"],) if isrcs else (),
                disc=t["disc_number"],
                number=t["track_number"],
            )
            for index, t in enumerate(tracks)
        ),
    )


def test_substance_release_is_matched_by_barcode_in_few_requests(sample_catalog: Catalog):
    counting = CountingCatalog(sample_catalog)
    clue = release_clue(sample_catalog, SUBSTANCE)
    result = run_sync(enrich_release(clue, Settings()), counting)
    assert result.edition["id"] == SUBSTANCE
    assert len(result.matches) == 24
    assert all(m.album["id"] == SUBSTANCE for m in result.matches.values())
    assert [m.track["track_number"] for m in result.matches.values()] == [c.number for c in clue.tracks]
    # upc search (3 spellings), album, its tracks, then artists and audio features together.
    assert counting.calls == ["search"] * 3 + ["albums", "tracks", "artists", "audio_features"]


def test_barcode_beats_a_more_popular_album_sharing_an_isrc(sample_catalog: Catalog):
    """OutRun's "Nightcall" has the ISRC of the EP's more popular title track."""
    (ep_track,) = [t for t in sample_catalog.tracks_by_isrc("FRS710900410") if t["album"]["id"] == NIGHTCALL_EP]
    (outrun_track,) = [t for t in sample_catalog.tracks_by_isrc("FRS710900410") if t["album"]["id"] == OUTRUN]
    assert ep_track["popularity"] > outrun_track["popularity"]
    result = run_sync(enrich_release(release_clue(sample_catalog, OUTRUN), Settings()), sample_catalog)
    assert {m.track["album"]["id"] for m in result.matches.values()} == {OUTRUN}


def test_without_barcode_the_album_holding_most_isrcs_wins(sample_catalog: Catalog):
    result = run_sync(enrich_release(release_clue(sample_catalog, OUTRUN, barcode=None), Settings()), sample_catalog)
    assert result.edition is None
    assert len(result.matches) == 13
    assert {m.track["album"]["id"] for m in result.matches.values()} == {OUTRUN}


def test_a_lone_track_takes_its_most_popular_isrc_twin():
    clue = TrackClue(key=0, title="Nightcall", length_ms=258000, isrcs=("FRS710900410",))
    ep = {"id": "a", "name": "Nightcall", "duration_ms": 258413, "popularity": 74, "album": {"id": NIGHTCALL_EP}}
    outrun = {"id": "b", "name": "Nightcall", "duration_ms": 257320, "popularity": 59, "album": {"id": OUTRUN}}
    assert pick_track(clue, [outrun, ep], votes={})["id"] == "a"
    assert pick_track(clue, [outrun, ep], votes={}, preferred_album_id=OUTRUN)["id"] == "b"
    wrong = {"id": "c", "name": "Lullaby for a Goat", "duration_ms": 61000, "popularity": 99, "album": {"id": "x"}}
    assert pick_track(clue, [wrong], votes={}) is None  # an ISRC MusicBrainz got wrong is refused


def test_tracks_without_isrcs_are_paired_on_the_barcode_album(sample_catalog: Catalog):
    clue = release_clue(sample_catalog, SUBSTANCE, isrcs=False)
    result = run_sync(enrich_release(clue, Settings()), sample_catalog)
    assert len(result.matches) == 24
    for key, match in result.matches.items():
        assert (match.track["disc_number"], match.track["track_number"]) == (
            clue.tracks[key].disc,
            clue.tracks[key].number,
        )


def test_editions_sharing_a_upc_the_one_carrying_the_isrcs_wins(sample_catalog: Catalog):
    """In the slice both "Shallow and Profound" editions carry the same ISRCs, so popularity
    decides; when one edition's ISRCs differ (a remaster re-registered), the release's ISRCs pick
    the edition that carries them, however unpopular."""
    popular, unpopular = (sample_catalog.album(a) for a in SHALLOW)
    full = {
        t["id"]: t for a in (popular, unpopular) for t in sample_catalog.tracks([i["id"] for i in a["tracks"]["items"]])
    }
    isrcs = {track_id: t["external_ids"]["isrc"] for track_id, t in full.items()}
    clue = release_clue(sample_catalog, SHALLOW[1])
    assert best_edition(clue, [popular, unpopular], isrcs).album["id"] == SHALLOW[0]

    remastered = {t["id"]: "GBXXX" + isrcs[t["id"]][5:] for t in unpopular["tracks"]["items"]}
    clue = AlbumClue(
        barcodes=clue.barcodes,
        tracks=tuple(
            TrackClue(key=c.key, title=c.title, length_ms=c.length_ms, isrcs=(remastered[t["id"]],), number=c.number)
            for c, t in zip(clue.tracks, unpopular["tracks"]["items"])
        ),
    )
    chosen = best_edition(clue, [popular, unpopular], {**isrcs, **remastered})
    assert chosen.album["id"] == SHALLOW[1]
    assert chosen.by_id == 17


def test_a_wrong_barcode_does_not_tag_the_release(sample_catalog: Catalog):
    """The barcode belongs to another album: its tracks do not fit, so ISRCs decide instead."""
    clue = release_clue(sample_catalog, SUBSTANCE, barcode="5055489278100")
    result = run_sync(enrich_release(clue, Settings()), sample_catalog)
    assert result.edition is None
    assert {m.track["album"]["id"] for m in result.matches.values()} == {SUBSTANCE}


def test_details_follow_the_settings(sample_catalog: Catalog):
    counting = CountingCatalog(sample_catalog)
    settings = Settings(genre_mode=GENRE_LEAVE, write_bpm_key=False)
    result = run_sync(enrich_release(release_clue(sample_catalog, SUBSTANCE), settings), counting)
    assert "artists" not in counting.calls and "audio_features" not in counting.calls
    assert result.artists == {} and result.features == {}


def files_clue(catalog: Catalog, album_id: str, **overrides: Any) -> AlbumClue:
    album = catalog.album(album_id)
    return AlbumClue(
        title=overrides.get("title", album["name"].lower()),
        artist=overrides.get("artist", album["artists"][0]["name"].lower()),
        tracks=tuple(
            TrackClue(
                key=i,
                title=t["name"].upper(),
                length_ms=t["duration_ms"] - 1500,
                disc=t["disc_number"],
                number=t["track_number"],
            )
            for i, t in enumerate(album["tracks"]["items"])
        ),
    )


def test_files_named_like_substance_find_it_with_a_clear_decision(sample_catalog: Catalog):
    candidates = run_sync(find_candidates(files_clue(sample_catalog, SUBSTANCE)), sample_catalog)
    decision = decide(candidates.fits)
    assert decision.action == Decision.APPLY
    assert decision.fits[0].album["id"] == SUBSTANCE
    assert len(decision.fits[0].pairs) == 24


def test_files_without_an_album_name_are_found_by_track_titles(sample_catalog: Catalog):
    clue = files_clue(sample_catalog, OUTRUN, title="", artist="")
    clue = AlbumClue(
        tracks=tuple(TrackClue(key=t.key, title=t.title, artist="Kavinsky", length_ms=t.length_ms) for t in clue.tracks)
    )
    candidates = run_sync(find_candidates(clue), sample_catalog)
    assert candidates.fits[0].album["id"] == OUTRUN


def test_equally_good_editions_are_a_question_for_the_user(sample_catalog: Catalog):
    clue = files_clue(sample_catalog, SHALLOW[0])
    clue = AlbumClue(title=clue.title, artist=clue.artist, barcodes=("5055489278100",), tracks=clue.tracks)
    decision = decide(run_sync(find_candidates(clue), sample_catalog).fits)
    assert decision.action == Decision.ASK
    assert sorted(f.album["id"] for f in decision.fits) == sorted(SHALLOW)


def test_nothing_plausible_means_no_decision(sample_catalog: Catalog):
    clue = AlbumClue(
        title="Basement Tapes", artist="Nobody", tracks=(TrackClue(key=0, title="Untitled", length_ms=200000),)
    )
    assert decide(run_sync(find_candidates(clue), sample_catalog).fits).action == Decision.NONE
    # A loose fit (right album name, nothing else) is below the bar too.
    weak = Fit(album={"id": "x"}, score=0.55)
    assert decide([weak]).action == Decision.NONE


def test_decide_thresholds():
    def fit(score: float) -> Fit:
        return Fit(album={"id": str(score)}, score=score)

    assert decide([fit(0.9), fit(0.7)]).action == Decision.APPLY
    assert decide([fit(0.9), fit(0.88)]).action == Decision.ASK
    assert decide([fit(0.7)]).action == Decision.ASK  # plausible but not confident
    assert [f.score for f in decide([fit(0.9), fit(0.88), fit(0.3)]).fits] == [0.9, 0.88]


# -- driving lookups ----------------------------------------------------------------------------


def test_run_lookup_reports_transport_errors_and_crashes_once():
    outcomes: list[tuple[Any, Any]] = []

    def lookup():  # type: ignore[no-untyped-def]
        (found,) = yield [Search("isrc:X")]
        return found

    def failing_fetch(requests, callback):  # type: ignore[no-untyped-def]
        callback(None, ServerUnreachable("http://127.0.0.1:9", "connection refused"))

    run_lookup(lookup(), failing_fetch, lambda r, e: outcomes.append((r, e)))
    assert len(outcomes) == 1 and isinstance(outcomes[0][1], ServerUnreachable)

    def crashing():  # type: ignore[no-untyped-def]
        (found,) = yield [Search("isrc:X")]
        return found["missing"]

    outcomes.clear()
    run_lookup(crashing(), lambda requests, callback: callback([[]], None), lambda r, e: outcomes.append((r, e)))
    assert len(outcomes) == 1 and isinstance(outcomes[0][1], LookupCrashed)
    assert "TypeError" in str(outcomes[0][1])


# -- the HTTP plan -------------------------------------------------------------------------------


def test_batches_are_cut_to_the_web_api_limits():
    ids = tuple(f"id{n}" for n in range(120))
    assert [len(c.params[0][1].split(",")) for c in http_calls(Tracks(ids))] == [50, 50, 20]
    assert [c.path for c in http_calls(Albums(ids[:45]))] == ["/v1/albums"] * 3
    assert len(http_calls(AudioFeatures(ids))) == 2
    assert http_calls(Search('album:"Substance"', "album", 10)) == [
        Call("/v1/search", (("q", 'album:"Substance"'), ("type", "album"), ("limit", "10")))
    ]
    documents = [{"tracks": [{"id": i} for i in ids[:50]]}, None, {"tracks": [{"id": i} for i in ids[100:]]}]
    combined = combine(Tracks(ids), documents)
    assert len(combined) == 120 and combined[50:100] == [None] * 50  # a refused batch: None in place


def test_albums_longer_than_a_page_are_completed(sample_catalog: Catalog):
    album = sample_catalog.album(ASOT, track_limit=50)
    assert len(album["tracks"]["items"]) == 50 and album["tracks"]["total"] == 102
    pages = album_track_pages([None, album])
    assert [(index, dict(call.params)["offset"]) for index, call in pages] == [(1, "50"), (1, "100")]
    documents = [sample_catalog.album_tracks(ASOT, offset=int(dict(c.params)["offset"]), limit=50) for _, c in pages]
    (completed,) = add_track_pages([album], [(0, d) for d in documents])
    assert [t["id"] for t in completed["tracks"]["items"]] == [
        t["id"] for t in sample_catalog.album(ASOT)["tracks"]["items"]
    ]


# -- tags and settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, mode, expected", [(5, 1, "F"), (1, 0, "C#m"), (11, 0, "Bm"), (-1, 1, None), (None, 0, None)]
)
def test_musical_key(key: int | None, mode: int, expected: str | None):
    assert musical_key(key, mode) == expected


@pytest.mark.parametrize(
    "date, precision, expected",
    [
        ("1987-08-17", "day", "1987-08-17"),
        ("1987-08", "month", "1987-08"),
        ("2010", "year", "2010"),
        ("0000", "year", None),
    ],
)
def test_release_date(date: str, precision: str, expected: str | None):
    assert release_date({"release_date": date, "release_date_precision": precision}) == expected


def test_genre_modes():
    spotify = ["synthpop", "New Wave"]
    assert merge_genres(["Rock", "new wave"], spotify, "add") == ["Rock", "new wave", "synthpop"]
    assert merge_genres(["Synthpop", "new wave"], spotify, "add") is None  # nothing new: leave the tag
    assert merge_genres(["Rock"], spotify, "replace") == spotify
    assert merge_genres(["Rock"], [], "replace") is None  # Spotify knows none: keep what is there
    assert merge_genres(["Rock"], spotify, "leave") is None


def test_enrichment_adds_label_and_isrc_only_when_missing(sample_catalog: Catalog):
    track = sample_catalog.track("5CRPGdCSOfstyTVK9Ja5EQ")
    album = sample_catalog.album(SUBSTANCE)
    tags = enrichment_tags(track, album, artists={}, features=None, settings=Settings(), current={})
    assert tags["label"] == "Rhino" and tags["isrc"] == "GBAAP0000867"
    tags = enrichment_tags(
        track, album, artists={}, features=None, settings=Settings(), current={"label": ["Factory"], "isrc": ["X"]}
    )
    assert "label" not in tags and "isrc" not in tags


def test_opted_in_audio_features_become_spotify_tags(sample_catalog: Catalog):
    track = sample_catalog.track("5CRPGdCSOfstyTVK9Ja5EQ")
    (features,) = sample_catalog.audio_features([track["id"]])
    settings = Settings(write_bpm_key=False, audio_features=("energy", "key", "mode", "loudness", "time_signature"))
    tags = enrichment_tags(track, None, artists={}, features=features, settings=settings, current={})
    assert {k: v for k, v in tags.items() if k.startswith("spotify_") and k[8:] in settings.audio_features} == {
        "spotify_energy": "0.436",
        "spotify_key": "5",
        "spotify_mode": "1",
        "spotify_loudness": "-13.496",
        "spotify_time_signature": "4",
    }
    assert "bpm" not in tags and "key" not in tags


def test_album_track_tags_for_a_multi_disc_album(sample_catalog: Catalog):
    album = sample_catalog.album(SUBSTANCE)
    item = album["tracks"]["items"][15]  # disc 2, track 4: "Hurt"
    tags = album_track_tags(
        item,
        album,
        full_track=sample_catalog.track(item["id"]),
        artists={},
        features=None,
        settings=Settings(),
        current={},
    )
    assert (tags["discnumber"], tags["totaldiscs"], tags["tracknumber"], tags["totaltracks"]) == ("2", "2", "4", "12")
    assert tags["artists"] == ["New Order", "John Robie", "Shep Pettibone"]
    assert tags["date"] == "1987-08-17" and tags["barcode"] == "190295211592" and tags["releasetype"] == "album"
    assert "compilation" not in tags


def test_read_settings_falls_back_to_defaults():
    settings = read_settings(
        {
            "transport": "carrier pigeon",
            "genre_mode": 3,
            "server_url": " http://h:1/ ",
            "audio_features": ["energy", "bogus"],
        }
    )
    assert settings.transport == "server" and settings.genre_mode == "add"
    assert settings.server_url == "http://h:1"
    assert settings.audio_features == ("energy",)
    assert read_settings({}) == Settings()
    assert read_settings({"server_url": "localhost:8000"}).server_url == "http://localhost:8000"


def test_clues_from_metadata_like_objects():
    from picard_plugin.clues import album_clue, apply_tags

    class FakeMetadata(dict):
        length = 263600

        def getall(self, name: str) -> list[str]:
            value = self.get(name, [])
            return value if isinstance(value, list) else [value]

        def __setitem__(self, name: str, value: Any) -> None:
            super().__setitem__(name, list(value) if isinstance(value, list) else [value])

    tracks = [
        FakeMetadata(
            title="Ceremony",
            album="Substance",
            artist="New Order",
            isrc=["GBAAP0000867", " "],
            tracknumber="1/12",
            barcode="0190295211592",
        ),
        FakeMetadata(
            title="Temptation", album="Substance", albumartist="New Order", discnumber="1", spotify_album_id=SUBSTANCE
        ),
    ]
    clue = album_clue(tracks)
    assert (clue.title, clue.artist, clue.barcodes, clue.spotify_album_ids) == (
        "Substance",
        "New Order",
        ("0190295211592",),
        (SUBSTANCE,),
    )
    assert clue.tracks[0].isrcs == ("GBAAP0000867",) and clue.tracks[0].number == 1 and clue.tracks[1].disc == 1
    assert clue.tracks[0].length_ms == 263600
    metadata = copy.deepcopy(tracks[0])
    assert apply_tags(metadata, {"title": "Ceremony", "genre": ["a", "b"]}) == ["genre"]
    assert metadata.getall("genre") == ["a", "b"]
