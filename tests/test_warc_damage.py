"""WARC archives cut short or not WARC at all (issue 24): the pages read before the damage,
then one error record naming the byte offset where the archive broke; never a page from a
cut record passed off as whole, never a silent loss."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_sources import write_warc

from wirewatch.api import read_documents

PAGES = ["http://news.test/kano", "http://news.test/gao"]


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.8, 0.9, 0.95, 0.99])
def test_a_truncated_archive_keeps_its_pages_and_says_where_it_broke(
        tmp_path: Path, compress: bool, fraction: float) -> None:
    whole = tmp_path / ("whole.warc.gz" if compress else "whole.warc")
    write_warc(whole, compress)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    cut.write_bytes(data[:int(len(data) * fraction)])
    docs = list(read_documents([str(cut)]))
    *pages, last = docs
    assert last.error and ("truncated" in last.error or "damaged" in last.error), last
    at = int(re.search(r"at byte (\d+)", last.error).group(1))
    assert 0 <= at <= len(data) * fraction
    assert all(d.ok for d in pages)
    ids = [d.id for d in pages]
    assert ids == PAGES[:len(ids)]  # the pages before the cut, in order, none made up
    # A page whose record was cut is not stored as if whole: each page read is complete.
    for d in pages:
        assert "Residents described hearing gunfire" in d.text


@pytest.mark.parametrize("content", [b"<!doctype html><html><body><p>An article.</p></body>"
                                     b"</html>", b"", b"\x1f\x8b\x08\x00 not gzip"])
def test_a_file_that_is_not_warc_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "page.warc"
    path.write_bytes(content)
    [doc] = read_documents([str(path)])
    assert doc.error and "not a WARC archive" in doc.error
