"""Precision codes for ACLED and GTD exports."""

from wirewatch.resolve.precision import acled_geo_precision, acled_time_precision, gtd_specificity


def loc(precision: str, lat: float | None = 1.0) -> dict:
    return {"precision": precision, "lat": lat, "lon": lat}


def test_geo_codes():
    assert [acled_geo_precision(loc(p)) for p in ("city", "admin2", "admin1", "country")] == [
        1, 2, 3, 3]
    assert [gtd_specificity(loc(p)) for p in ("point", "admin2", "admin1", "region")] == [
        1, 3, 4, 5]
    assert acled_geo_precision(loc("city", lat=None)) is None
    assert gtd_specificity(None) is None


def test_time_codes():
    assert acled_time_precision({"value": "2016-02-15", "precision": "day"}) == 1
    assert acled_time_precision({"value": "2016-02-15", "precision": "week"}) == 2
    assert acled_time_precision({"value": "2015-12", "precision": "month"}) == 3
    assert acled_time_precision({"value": None, "precision": "day"}) is None
