"""Geoparsing scorer: distances, span matching, P/R/F1 and resolution summaries on small
hand-made cases whose scores are worked out by hand."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wirewatch.eval.geo import (
    MAX_ERROR_KM,
    Resolution,
    gold_toponyms,
    haversine_km,
    match_spans,
    prf,
)


def test_haversine_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.2, abs=0.2)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0


def test_match_spans_is_one_to_one_by_largest_overlap():
    gold = [(0, 5), (10, 20)]
    pred = [(0, 3), (2, 5), (12, 15), (30, 35)]
    # (0,5) overlaps (0,3) by 3 and (2,5) by 3 -> one of them; (10,20) takes (12,15).
    pairs = match_spans(gold, pred)
    assert len(pairs) == 2 and (1, 2) in pairs and pairs[0][0] == 0


def test_prf_by_hand():
    # 2 matched of 4 predicted and 5 gold: P 50, R 40, F1 = 2*.5*.4/.9 = 44.44
    assert prf(2, 4, 5) == {"precision": 50.0, "recall": 40.0, "f1": 44.44}
    assert prf(0, 0, 3)["f1"] == 0.0


def test_resolution_summary_counts_unlocated_as_misses():
    res = Resolution()
    gold = {"lat": 0.0, "lon": 0.0, "geonameid": "7"}
    res.add(gold, {"lat": 0.5, "lon": 0.0, "geonameid": 7})      # 55.6 km, same id
    res.add(gold, {"lat": 3.0, "lon": 0.0, "geonameid": 8})      # 333.6 km
    res.add(gold, {"lat": None, "lon": None, "geonameid": None})  # unlocated
    out = res.summary()
    assert out["n"] == 3 and out["acc161"] == 33.33 and out["exact_id"] == 33.33
    assert out["median_km"] == pytest.approx(333.6, abs=0.5)
    assert res.errors[-1] == MAX_ERROR_KM and out["located"] == 66.67


def test_gold_toponyms_skip_bad_offsets():
    doc = {"toponyms": [{"start": 0, "end": 1, "lat": 1, "lon": 1, "offset_ok": True},
                        {"start": 2, "end": 3, "lat": 1, "lon": 1, "offset_ok": False}]}
    assert len(gold_toponyms(doc)) == 1


def test_cli_given_setting_on_a_constructed_corpus(tmp_path):
    from wirewatch.cli import app

    text = "Gunmen attacked a checkpoint in Kano, Nigeria, on Monday."
    doc = {"doc_id": "d1", "text": text, "toponyms": [
        {"start": 32, "end": 36, "text": "Kano", "lat": 12.0, "lon": 8.52, "geonameid": "2335204",
         "offset_ok": True},
        {"start": 38, "end": 45, "text": "Nigeria", "lat": 10.0, "lon": 8.0, "offset_ok": True}]}
    path = tmp_path / "geo.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(app, ["eval", "geo", str(path), "--setting", "given", "--json",
                                      "--errors", str(errors), "--part", "all"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)["given"]
    assert scores["n"] == 2 and scores["acc161"] == 100.0
    assert errors.read_text() == ""


def test_exact_id_is_undefined_without_gold_ids():
    res = Resolution()
    res.add({"lat": 0.0, "lon": 0.0}, {"lat": 0.0, "lon": 0.0, "geonameid": 5})
    assert res.summary()["exact_id"] is None and res.summary()["acc161"] == 100.0


def test_parts_split_the_documents_and_demonyms_are_counted_apart(tmp_path):
    from wirewatch.eval.common import dev_part
    from wirewatch.eval.geo import evaluate

    text = "Canadian troops arrived in Kandahar on Monday."
    docs = [{"doc_id": f"d{i}", "text": text, "toponyms": [
        {"start": 0, "end": 8, "text": "Canadian", "lat": 60.0, "lon": -95.0, "offset_ok": True},
        {"start": 27, "end": 35, "text": "Kandahar", "lat": 31.61, "lon": 65.71,
         "offset_ok": True}]} for i in range(6)]
    path = tmp_path / "geo.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    counts = {part: evaluate(path, ("given",), part=part)["documents"]
              for part in ("tune", "check", "all")}
    assert counts["tune"] + counts["check"] == counts["all"] == 6
    assert counts["tune"] == sum(dev_part(f"d{i}") == "tune" for i in range(6))
    e2e = evaluate(path, ("end_to_end",), limit=1)["end_to_end"]
    assert e2e["recognition"]["gold"] == 2
    assert e2e["recognition_without_demonyms"]["gold"] == 1
