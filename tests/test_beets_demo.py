"""The beets part of ``localspotify demo`` runs end to end and tags what it wrote."""

from __future__ import annotations

from beetsplug.localspotify.demo import run_beets_demo


def test_run_beets_demo_tags_the_demo_albums(tmp_path, sample_dir, capfd):
    run_beets_demo(tmp_path)

    out = capfd.readouterr().out
    assert "New Order - Substance (1987) [6iHuSGy6pq4tNGFV3ZVPtl]" in out
    assert "13 Reasons Why (Season 2)" in out and "Kavinsky - Reborn" in out
    assert "ISRC GBAAP0000867" in out


def test_the_beets_demo_imports_again_when_run_again(tmp_path, sample_dir, capfd):
    run_beets_demo(tmp_path)
    capfd.readouterr()
    run_beets_demo(tmp_path)

    captured = capfd.readouterr()
    assert "already in the library" not in captured.out + captured.err
    assert "New Order - Substance (1987) [6iHuSGy6pq4tNGFV3ZVPtl]" in captured.out
