"""Case detection: ALL-CAPS wire copy and all-lower-case text need different matching."""

from __future__ import annotations


def is_uncased(text: str, sample: int = 5000) -> bool:
    """True when letter case carries no information (ALL CAPS or all lower case)."""
    head = text[:sample]
    upper = sum(1 for ch in head if ch.isupper())
    lower = sum(1 for ch in head if ch.islower())
    letters = upper + lower
    if letters < 20:
        return False
    return upper / letters > 0.8 or upper / letters < 0.01
