"""The store's history of an outlet: where its earlier reports were placed, handed to the
places component as a prior for its next report."""

from __future__ import annotations

from test_store import record

from wirewatch.ingest.document import Document
from wirewatch.store import open_store
from wirewatch.store.outlet_places import outlet_places, with_outlet_places


def _placed(doc_id: str, url: str, admin1: str, precision: str = "city") -> dict:
    rec = record(doc_id, f"Report {doc_id} of a shooting.", [])
    rec["url"] = url
    rec["locations"][0].update(country_code="US", admin1=admin1, precision=precision)
    return rec


def test_outlet_history_counts_each_report_once_per_area(tmp_path) -> None:
    with open_store(str(tmp_path / "h.db")) as store:
        store.add_records([
            _placed("a", "http://www.wsmv.com/story/1", "Tennessee"),
            _placed("b", "http://web.archive.org/web/2016/http://www.wsmv.com:80/story/2",
                    "Tennessee"),
            _placed("c", "http://wsmv.com/story/3", "Kentucky"),
            _placed("d", "http://www.wsmv.com/story/4", "Ohio", precision="country"),
            _placed("e", "http://www.wkrn.com/story/5", "Georgia"),
        ])
        with store.engine.connect() as conn:
            history = outlet_places(conn, "https://www.wsmv.com/new/6", None)
            assert history == [{"country_code": "US", "admin1": "Tennessee", "count": 2},
                               {"country_code": "US", "admin1": "Kentucky", "count": 1}]
            assert outlet_places(conn, "http://unknown.example/x", None) == []
            assert outlet_places(conn, None, None) == []
        given = [{"country_code": "US", "admin1": "Ohio", "count": 9}]
        docs = [Document(id="n1", text="x", url="http://www.wsmv.com/story/7"),
                Document(id="n2", text="y", url="http://www.wsmv.com/story/8",
                         outlet_places=given),
                Document(id="n3", text="z")]
        filled = list(with_outlet_places(store.engine, docs))
        assert filled[0].outlet_places and filled[0].outlet_places[0]["admin1"] == "Tennessee"
        assert filled[1].outlet_places == given  # the caller's own history is kept
        assert filled[2].outlet_places is None
