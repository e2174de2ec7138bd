"""Where an outlet's earlier reports were placed: the store's prior for its next report.

A local station's stories happen in its area; after a few of them are stored, the store
knows that area better than any list of call signs ("wsmv.com": Tennessee). Each stored
report of the outlet (same web host, else same outlet name) counts once per admin1 area its
town- or county-level places lie in; the places component takes a clear majority as the
document's focus (:meth:`wirewatch.resolve.place_scoring.Resolver._prior_area`). The
history is handed to the pipeline as data on the Document (``outlet_places``), so nothing
below the store reads the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from wirewatch.ingest.document import Document
from wirewatch.resolve.outlet_place import outlet_host
from wirewatch.store import schema

#: Most recent reports of an outlet read for its history.
HISTORY_REPORTS = 200
#: Place precisions that say where a report happened (not a country named in passing).
_LOCAL = ("point", "city", "admin2")


def outlet_places(conn: sa.Connection, url: str | None, outlet: str | None,
                  limit: int = HISTORY_REPORTS) -> list[dict[str, Any]]:
    """[{"country_code", "admin1", "count"}] for the outlet of ``url`` (its host) or, with
    no address, of ``outlet`` (its name), most frequent first; [] when nothing is stored."""
    docs, locs = schema.documents, schema.locations
    host = outlet_host(url) if url else ""
    host = host[4:] if host.startswith("www.") else host
    if host:
        which = sa.or_(docs.c.url.contains(f"{host}/", autoescape=True),
                       docs.c.url.contains(f"{host}:", autoescape=True))  # "wsmv.com:80/"
    elif outlet:
        which = docs.c.outlet == outlet
    else:
        return []
    recent = sa.select(docs.c.id).where(which).order_by(docs.c.id.desc()).limit(limit)
    rows = conn.execute(
        sa.select(locs.c.document_id, locs.c.country_code, locs.c.admin1)
        .where(locs.c.document_id.in_(recent.scalar_subquery()),
               locs.c.precision.in_(_LOCAL), locs.c.admin1.is_not(None),
               locs.c.country_code.is_not(None))
        .distinct())
    counts = Counter((cc, a1) for _, cc, a1 in rows)
    return [{"country_code": cc, "admin1": a1, "count": n}
            for (cc, a1), n in counts.most_common()]


def with_outlet_places(engine: sa.Engine, documents: Iterable[Document]
                       ) -> Iterator[Document]:
    """``documents`` with ``outlet_places`` filled from the store where the caller left it
    empty (one short read per outlet per run, so the writer is never kept waiting)."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        if document.outlet_places is None and (document.url or document.outlet):
            key = outlet_host(document.url) if document.url else f"name:{document.outlet}"
            if key not in seen:
                with engine.connect() as conn:
                    seen[key] = outlet_places(conn, document.url, document.outlet)
            document.outlet_places = seen[key] or None
        yield document
