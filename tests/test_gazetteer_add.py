"""`wirewatch gazetteer add`: GeoNames country files compiled into the cache (a small
GeoNames-format fixture made here; nothing is downloaded)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli.gazetteer import app
from wirewatch.knowledge.gazetteer import Gazetteer, added_files, cache_path

# The 19 tab-separated columns of a GeoNames export: id, name, ascii name, alternate names,
# lat, lon, feature class, feature code, country, cc2, admin1..admin4, population,
# elevation, dem, timezone, modification date. The village and the district are made up
# (no real place bears these names); Burkina Faso's row keeps its real GeoNames id with a
# point unlike ours, to show that GeoNames' own point replaces the approximation.
ROWS = [
    ("990000001", "Wendkouniga-Yarce", "Wendkouniga-Yarce", "Wendkouniga Yarce", "14.1", "-0.2",
     "P", "PPL", "BF", "", "12", "", "", "", "0", "", "280", "Africa/Ouagadougou", "2024-01-01"),
    ("990000002", "Province du Zorgho-Tenga", "Province du Zorgho-Tenga", "Zorgho-Tenga",
     "13.9", "-0.4", "A", "ADM2", "BF", "", "12", "99", "", "", "0", "", "290",
     "Africa/Ouagadougou", "2024-01-01"),
    ("2361809", "Burkina Faso", "Burkina Faso", "", "12.25", "-1.75", "A", "PCLI", "BF", "",
     "00", "", "", "", "20107509", "", "297", "Africa/Ouagadougou", "2024-01-01"),
    ("990000003", "Some Stream", "Some Stream", "", "13.0", "-1.0", "H", "STM", "BF", "", "12",
     "", "", "", "0", "", "250", "Africa/Ouagadougou", "2024-01-01"),
]


def _country_zip(folder: Path) -> Path:
    path = folder / "BF.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("BF.txt", "".join("\t".join(row) + "\n" for row in ROWS))
        archive.writestr("readme.txt", "not data\n")
    return path


def test_gazetteer_add_compiles_villages_areas_and_geonames_points(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(cache))
    result = CliRunner().invoke(app, ["add", str(_country_zip(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "BF.zip: 3 places and areas added" in result.output  # the stream is left out
    assert [p.name for p in added_files(cache)] == ["BF.txt"]

    gaz = Gazetteer.load(cache)
    [village] = gaz.candidates("Wendkouniga-Yarce")
    assert village.id == 990000001 and village.country_code == "BF"
    assert (village.lat, village.lon) == (14.1, -0.2)
    [district] = [p for p in gaz.candidates("Zorgho-Tenga") if p.feature == "ADM2"]
    assert district.id == 990000002 and district.admin1_code == "12"
    country = gaz.country("BF")
    assert (country.lat, country.lon) == (12.25, -1.75)  # GeoNames' own point
    assert gaz.candidates("Some Stream") == []
    # The added rows key their own cache file: the packaged-only index is never read back.
    assert cache_path(cache) != cache_path(cache, added=[])


@pytest.mark.parametrize("content", ["", "just some text\n"])
def test_gazetteer_add_refuses_a_file_without_geonames_rows(tmp_path, monkeypatch, content):
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "notes.txt"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["add", str(bad)])
    assert result.exit_code == 1 and "no GeoNames rows" in result.output
    assert added_files(tmp_path / "cache") == []


def _with(row: int, column: int, value: str) -> list[tuple[str, ...]]:
    rows = [list(r) for r in ROWS]
    rows[row][column] = value
    return [tuple(r) for r in rows]


def _txt(folder: Path, rows: list[tuple[str, ...]], name: str = "BF.txt") -> Path:
    path = folder / name
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


BAD_FILES = {
    "superscript id": lambda d: _txt(d, _with(0, 0, "99000000\u00b2")),
    "superscript population": lambda d: _txt(d, _with(0, 14, "1\u00b2")),
    "nan latitude": lambda d: _txt(d, _with(2, 4, "nan")),
    "infinite longitude": lambda d: _txt(d, _with(2, 5, "inf")),
    "latitude off the globe": lambda d: _txt(d, _with(0, 4, "91.5")),
    "missing columns": lambda d: _txt(d, [r[:9] for r in ROWS]),
    "empty name": lambda d: _txt(d, _with(0, 1, " ")),
    "fake zip": lambda d: (d / "BF.zip").write_bytes(b"PK\x03\x04 not really a zip") and d / "BF.zip",
    "latin-1 text": lambda d: (d / "BF.txt").write_bytes(
        "\t".join(_with(0, 1, "Ouahigouya\u00e9")[0]).encode("latin-1") + b"\n") and d / "BF.txt",
}
REASONS = {"superscript id": "id", "superscript population": "population",
           "nan latitude": "latitude", "infinite longitude": "longitude",
           "latitude off the globe": "latitude", "missing columns": "columns",
           "empty name": "name", "fake zip": "zip", "latin-1 text": "UTF-8"}


def test_a_bad_gazetteer_file_leaves_the_previous_gazetteer_working(tmp_path, monkeypatch):
    """Issue 24: a "²" in an id once moved a file into the cache that every later run then
    crashed on; nan points replaced Burkina Faso's; a fake zip gave a traceback."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(cache))
    assert CliRunner().invoke(app, ["add", str(_country_zip(tmp_path))]).exit_code == 0
    before = sorted(p.name for p in cache.rglob("*"))
    for what, make in BAD_FILES.items():
        folder = tmp_path / what.replace(" ", "-")
        folder.mkdir()
        result = CliRunner().invoke(app, ["add", str(make(folder))])
        assert result.exit_code == 1, (what, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), what
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (what, result.output)
        assert REASONS[what] in lines[0], (what, lines[0])
        assert sorted(p.name for p in cache.rglob("*")) == before, what  # nothing stray
    gaz = Gazetteer.load(cache)
    assert [p.id for p in gaz.candidates("Wendkouniga-Yarce")] == [990000001]
    assert (gaz.country("BF").lat, gaz.country("BF").lon) == (12.25, -1.75)


def test_a_failed_compile_swaps_nothing_in(tmp_path, monkeypatch):
    """The rows are compiled from a staging copy: a build that fails leaves the cache as it
    was (no added file, no index, no temporary files)."""
    import wirewatch.knowledge.gazetteer as gazetteer

    cache = tmp_path / "cache"
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(cache))

    def broken(**_kw):
        raise ValueError("compile failed")

    monkeypatch.setattr(gazetteer, "build_payload", broken)
    result = CliRunner().invoke(app, ["add", str(_country_zip(tmp_path))])
    assert result.exit_code == 1 and "could not be compiled" in result.output
    assert added_files(cache) == []
    assert [p.name for p in cache.rglob("*") if p.is_file()] == []


def test_readers_skip_rows_an_older_version_let_in(tmp_path):
    """A file copied into the cache by an earlier version, with a "²" id or a nan point,
    no longer breaks every run: the build's readers skip such rows."""
    from wirewatch.knowledge.gazetteer_build import read_geonames_areas, read_geonames_dump

    path = _txt(tmp_path, [_with(0, 0, "9\u00b2")[0], ROWS[1], _with(2, 4, "nan")[2]])
    assert set(read_geonames_dump(path)) == set()
    assert [a["geonameid"] for a in read_geonames_areas(path)] == [990000002]
