"""``Catalog.track_facts``: every fact equals what the full objects say, for every track asked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from catalog import Catalog, build_catalog
from catalog.facts import AlbumFacts, AudioFeatureFacts, TrackFacts
from catalog.types import Album, SimplifiedAlbum

SUBSTANCE_CEREMONY = "5CRPGdCSOfstyTVK9Ja5EQ"


def dump_track_ids(dump_dir: Path) -> list[str]:
    """Every track id of a dump, in its order, read from the dump itself rather than the catalog."""
    return pq.read_table(dump_dir / "tracks.parquet", columns=["id"]).column("id").to_pylist()


def expected_facts(cat: Catalog, track_ids: list[str]) -> list[TrackFacts | None]:
    """The facts as the full objects give them: tracks, their albums, artists and audio features."""
    tracks = cat.tracks(track_ids)
    present = [t for t in tracks if t is not None]
    album_ids = sorted({t["album"]["id"] for t in present})
    albums = dict(zip(album_ids, cat.albums(album_ids, track_limit=0)))
    artist_ids = sorted({a["id"] for t in present for a in t["artists"]})
    artists = dict(zip(artist_ids, cat.artists(artist_ids)))
    features = dict(zip(track_ids, cat.audio_features(track_ids)))
    expected: list[TrackFacts | None] = []
    for track_id, track in zip(track_ids, tracks):
        if track is None:
            expected.append(None)
            continue
        album = albums[track["album"]["id"]]
        assert album is not None
        feature = features[track_id]
        expected.append(
            TrackFacts(
                id=track["id"],
                name=track["name"],
                duration_ms=track["duration_ms"],
                explicit=track["explicit"],
                popularity=track["popularity"],
                disc_number=track["disc_number"],
                track_number=track["track_number"],
                isrc=track["external_ids"].get("isrc"),
                artist_ids=tuple(a["id"] for a in track["artists"]),
                artist_names=tuple(a["name"] for a in track["artists"]),
                genres=tuple(sorted({g for a in track["artists"] if (full := artists[a["id"]]) for g in full["genres"]})),
                album=album_facts_of(album, track["album"]),
                audio_features=AudioFeatureFacts(**{name: feature[name] for name in AudioFeatureFacts._fields})  # type: ignore[literal-required]
                if feature
                else None,
            )
        )
    return expected


def album_facts_of(album: Album, track_album: SimplifiedAlbum) -> AlbumFacts:
    # The track's embedded album and the album object must agree wherever both have the field.
    for shared in ("id", "name", "album_type", "release_date", "total_tracks"):
        assert track_album[shared] == album[shared], shared  # type: ignore[literal-required]
    return AlbumFacts(
        id=album["id"],
        name=album["name"],
        album_type=album["album_type"],
        label=album["label"],
        popularity=album["popularity"],
        release_date=album["release_date"],
        total_tracks=album["total_tracks"],
    )


def assert_same_facts(facts: list[TrackFacts | None], expected: list[TrackFacts | None]) -> None:
    assert facts == expected
    # Equal is not enough: True == 1 and 1.0 == 1; the reprs differ where the types do.
    assert repr(facts) == repr(expected)


def test_facts_of_every_sample_track_equal_the_full_objects(sample_catalog: Catalog, sample_dir: Path) -> None:
    ids = dump_track_ids(sample_dir)
    facts = sample_catalog.track_facts(ids)
    assert len(facts) == len(ids) == 393
    assert_same_facts(facts, expected_facts(sample_catalog, ids))
    # The slice has what each comparison needs to mean something: tracks without audio features,
    # several artists per track, artists with genres.
    assert sum(f.audio_features is None for f in facts if f) == 7
    assert any(len(f.artist_ids) > 1 for f in facts if f)
    assert sum(bool(f.genres) for f in facts if f) > 300
    # An album's facts are made once per call, however many of its tracks were asked for.
    assert len({id(f.album) for f in facts if f}) == 21


def test_credited_artists_are_read_once_per_catalog(sample_catalog_path: Path, sample_dir: Path) -> None:
    # A listening history asks for the same artists file after file: their names and genres are remembered.
    statements: list[str] = []
    with Catalog.open(sample_catalog_path, tracer=lambda source, sql, params, seconds: statements.append(sql)) as cat:
        ids = dump_track_ids(sample_dir)
        first = cat.track_facts(ids[:200])
        assert any("FROM artists" in sql for sql in statements)
        statements.clear()
        again = cat.track_facts(ids[:200])
        assert again == first
        assert statements and not any("FROM artists" in sql for sql in statements)
        assert_same_facts(cat.track_facts(ids), expected_facts(cat, ids))


def test_facts_made_from_the_catalogs_objects_equal_its_facts(sample_catalog: Catalog, sample_dir: Path) -> None:
    # TrackFacts.from_objects is how the history importer makes facts of Spotify's own answers
    # for tracks the catalog lacks; on the catalog's objects it must give what track_facts reads.
    ids = dump_track_ids(sample_dir)
    tracks = [t for t in sample_catalog.tracks(ids) if t is not None]
    album_ids = sorted({t["album"]["id"] for t in tracks})
    albums = dict(zip(album_ids, sample_catalog.albums(album_ids, track_limit=0)))
    artist_ids = sorted({a["id"] for t in tracks for a in t["artists"]})
    artists = dict(zip(artist_ids, sample_catalog.artists(artist_ids)))
    features = dict(zip(ids, sample_catalog.audio_features(ids)))
    made = [
        TrackFacts.from_objects(
            track,
            album=albums[track["album"]["id"]],
            artists=[artists[a["id"]] for a in track["artists"]],
            audio_features=features[track["id"]],
        )
        for track in tracks
    ]
    assert len(made) == 393
    assert_same_facts(made, sample_catalog.track_facts(ids))  # type: ignore[arg-type]


def test_facts_from_a_track_alone_take_its_simplified_album(sample_catalog: Catalog) -> None:
    # What a development-mode app gets from Spotify since 2026: no popularity, no label; and no
    # album or artist objects when they were not asked for.
    track = sample_catalog.track(SUBSTANCE_CEREMONY)
    assert track is not None
    del track["popularity"]  # type: ignore[misc]
    facts = TrackFacts.from_objects(track)
    assert (facts.name, facts.artist_names, facts.isrc, facts.popularity) == ("Ceremony", ("New Order",), "GBAAP0000867", None)
    assert facts.album == AlbumFacts(
        id=track["album"]["id"], name="Substance", album_type=track["album"]["album_type"], label="", popularity=None,
        release_date=track["album"]["release_date"], total_tracks=track["album"]["total_tracks"],
    )  # fmt: skip
    assert facts.genres == () and facts.audio_features is None
    # An artist Spotify answered 404 for gives no genres; the others still do.
    artist = sample_catalog.artist(track["artists"][0]["id"])
    assert TrackFacts.from_objects(track, artists=[None, artist]).genres == tuple(sorted(artist["genres"]))  # type: ignore[index]


def test_facts_of_a_known_track(sample_catalog: Catalog) -> None:
    (facts,) = sample_catalog.track_facts([f"spotify:track:{SUBSTANCE_CEREMONY}"])
    assert facts is not None
    assert (facts.name, facts.artist_names, facts.isrc) == ("Ceremony", ("New Order",), "GBAAP0000867")
    assert (facts.album.name, facts.album.label, facts.album.release_year) == ("Substance", "Rhino", 1987)
    assert "new wave" in facts.genres
    assert facts.audio_features is not None and facts.audio_features.tempo is not None


def test_unknown_and_invalid_ids_give_none_in_place(sample_catalog: Catalog) -> None:
    asked = [
        "0000000000000000000000",  # well formed, not in the catalog
        SUBSTANCE_CEREMONY,
        "not a track id",
        f"https://open.spotify.com/intl-de/track/{SUBSTANCE_CEREMONY}?si=x",
        "spotify:album:6iHuSGy6pq4tNGFV3ZVPtl",  # an album's URI is no track id
        SUBSTANCE_CEREMONY,
    ]
    facts = sample_catalog.track_facts(asked)
    assert [f.id if f else None for f in facts] == [None, SUBSTANCE_CEREMONY, None, SUBSTANCE_CEREMONY, None, SUBSTANCE_CEREMONY]
    assert sample_catalog.track_facts([]) == []


def edge_track_ids(dump_dir: Path) -> dict[str, list[str]]:
    """Tracks of a generated dump whose facts need care: no ISRC, an album without a label, and
    an audio-features row saying Spotify had none (``null_response``, which the build drops)."""
    tracks = pq.read_table(dump_dir / "tracks.parquet", columns=["id", "external_id_isrc", "album_rowid"]).to_pylist()
    albums = pq.read_table(dump_dir / "albums.parquet", columns=["rowid", "label"]).to_pylist()
    features = pq.read_table(dump_dir / "track_audio_features.parquet", columns=["track_id", "tempo"]).to_pylist()
    unlabelled = {a["rowid"] for a in albums if not a["label"]}
    return {
        "no isrc": [t["id"] for t in tracks if not t["external_id_isrc"]][:50],
        "no label": [t["id"] for t in tracks if t["album_rowid"] in unlabelled][:50],
        "null response": [f["track_id"] for f in features if f["tempo"] is None][:50],
    }


def test_facts_of_many_tracks_across_query_chunks_equal_the_full_objects(
    synthetic_catalog: Catalog, synthetic_catalog_path: Path
) -> None:
    # 1,500 tracks, most albums' tracks together in the dump, asked for with ten unknown ids and
    # some twice: several of the store's 500-value statements each for ids, tracks and artists,
    # and albums whose tracks land in different statements.
    dump = synthetic_catalog_path.parent / "dump"
    edges = edge_track_ids(dump)
    assert all(edges.values()), edges
    ids = dump_track_ids(dump)[:1500]
    ids = ids + [f"{n:022d}" for n in range(10)] + ids[:100] + [i for edge in edges.values() for i in edge]
    facts = synthetic_catalog.track_facts(ids)
    assert sum(f is None for f in facts) == 10
    assert_same_facts(facts, expected_facts(synthetic_catalog, ids))


def test_catalog_without_audio_features_gives_facts_without_them(sample_dir: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    shutil.copytree(sample_dir, dump, ignore=shutil.ignore_patterns("track_audio_features.parquet"))
    build_catalog(dump, tmp_path / "catalog.duckdb")
    with Catalog.open(tmp_path / "catalog.duckdb") as cat:
        assert not cat.has_audio_features
        ids = dump_track_ids(sample_dir)[:50]
        facts = cat.track_facts(ids)
        assert_same_facts(facts, expected_facts(cat, ids))
        assert all(f is not None and f.audio_features is None for f in facts)
