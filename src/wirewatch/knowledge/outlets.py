"""One name per news outlet, so that source counts do not count an outlet twice.

Outlets reach the store as site names ("BBC News"), hosts ("www.chron.com"), or URLs with a
scheme and port ("http://www.chron.com:80"). Two reports of one outlet are one source, so
every count of independent sources compares ``outlet_key`` values: lower case, without
scheme, credentials, port, path, a leading "www."/"m."/"amp.", and with the known aliases of
``outlet_aliases.yaml`` resolved.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from wirewatch.knowledge import load_yaml

#: Host prefixes that name the same site (mobile, AMP and "www" mirrors).
_MIRROR_PREFIX = re.compile(r"^(?:www\d*|m|mobile|amp)\.")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


@cache
def _aliases() -> dict[str, str]:
    raw = load_yaml("outlet_aliases.yaml").get("aliases") or {}
    return {_plain(str(k)): str(v) for k, v in raw.items()}


def _plain(outlet: str) -> str:
    text = " ".join(outlet.strip().casefold().split())
    text = _SCHEME.sub("", text)
    if " " not in text and ("." in text or "/" in text or ":" in text):
        host = re.split(r"[/?#]", text, maxsplit=1)[0]
        host = host.rsplit("@", 1)[-1]  # credentials
        host = re.sub(r":\d*$", "", host).rstrip(".")
        text = _MIRROR_PREFIX.sub("", host)
    return text


@lru_cache(maxsize=4096)
def outlet_key(outlet: str | None) -> str | None:
    """The canonical name of ``outlet`` (None for a blank one)."""
    if not outlet or not outlet.strip():
        return None
    plain = _plain(outlet)
    return _aliases().get(plain, plain) or None


def country_domain(key: str | None) -> str | None:
    """The ISO alpha-2 code of a host's country-code domain ("dawn.com.pk" -> "PK")."""
    if not key or "." not in key or " " in key:
        return None
    tld = key.rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isalpha():
        return None
    return "GB" if tld == "uk" else tld.upper()
