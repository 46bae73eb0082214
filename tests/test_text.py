"""The Python tokeniser and term hash agree with the SQL the catalog was built with, name for name."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from catalog.text import MACROS, TERM_HASH, term_hash, tokens

AWKWARD = [
    "Don't Stop (feat. R.E.M.)", "Björk & Sigur Rós", "ΣΟΦΟΚΛΗΣ ΟΔΟΣ", "İstanbul", "Straße", "夜明け",
    "Daøel", "रघुपति राघव", "AC/DC", "snake_case", "  ", "", "Ⅻ Roman", "½ Half", "ＦＵＬＬ ｗｉｄｔｈ",
    "Beyoncé ft. JAY-Z", "C'est la vie…", "Motörhead — Ace of Spades", "L'Été indien", "Ñandú",
]  # fmt: skip


@pytest.fixture(scope="module")
def macro() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in MACROS:
        con.execute(statement)
    yield con
    con.close()


def sql_tokens(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[list[str]]:
    return [row[0] for row in con.execute("SELECT ls_tokens(v) FROM unnest(?::VARCHAR[]) WITH ORDINALITY t(v, i) ORDER BY i", [names]).fetchall()]


def names_in(dump: Path) -> list[str]:
    con = duckdb.connect()
    try:
        return [
            row[0]
            for row in con.execute(
                f"""SELECT name FROM read_parquet('{dump}/tracks.parquet') UNION
                    SELECT name FROM read_parquet('{dump}/albums.parquet') UNION
                    SELECT name FROM read_parquet('{dump}/artists.parquet')"""
            ).fetchall()
        ]
    finally:
        con.close()


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_names(macro: duckdb.DuckDBPyConnection, name: str) -> None:
    assert tokens(name) == sql_tokens(macro, [name])[0]


def test_every_name_of_the_real_slice(macro: duckdb.DuckDBPyConnection, sample_dir: Path) -> None:
    names = names_in(sample_dir)
    assert len(names) > 500
    assert [tokens(n) for n in names] == sql_tokens(macro, names)


def test_every_name_of_a_generated_dump(macro: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from catalog.synth import generate_dump

    generate_dump(tmp_path, 30_000, seed=11)
    names = names_in(tmp_path)
    assert [tokens(n) for n in names] == sql_tokens(macro, names)


def test_term_hash_is_the_builds_hash_of_every_token(macro: duckdb.DuckDBPyConnection, sample_dir: Path) -> None:
    terms = sorted({t for name in names_in(sample_dir) + AWKWARD for t in tokens(name)} | {"hip hop", "ß", "夜明け"})
    hashed = macro.execute(f"SELECT list_transform(?::VARCHAR[], lambda t: {TERM_HASH.format('t')})", [terms]).fetchone()[0]
    assert [term_hash(t) for t in terms] == hashed
    assert len(set(hashed)) == len(terms)
