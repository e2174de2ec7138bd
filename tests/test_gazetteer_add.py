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
