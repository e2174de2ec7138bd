"""What the incident page shows about reviews: the log of corrections bearing on it, and for
a signed-in reviewer the forms' current values and CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from wirewatch.contract import EVENT_TIME_PRECISIONS, EVENT_TYPES, LOCATION_PRECISIONS, STATUS_ORDER
from wirewatch.serve.auth import session_viewer
from wirewatch.store import Store
from wirewatch.store.reviews import incident_values

#: Form fields of the correction form: (name, label, input kind, choices).
FORM_FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("type", "type", "select", EVENT_TYPES),
    ("mode", "mode", "text", ()),
    ("date", "date (YYYY[-MM[-DD]])", "text", ()),
    ("precision", "date precision", "select", ("", *EVENT_TIME_PRECISIONS)),
    ("place", "place", "text", ()),
    ("admin1", "admin1", "text", ()),
    ("country", "country (ISO)", "text", ()),
    ("lat", "latitude", "text", ()),
    ("lon", "longitude", "text", ()),
    ("location_precision", "place precision", "select", ("", *LOCATION_PRECISIONS)),
    ("killed", "killed", "text", ()),
    ("injured", "injured", "text", ()),
    ("kidnapped", "kidnapped", "text", ()),
    ("arrested", "arrested", "text", ()),
    ("agents", "agents (; between names)", "text", ()),
    ("victims", "victims (; between names)", "text", ()),
    ("status", "status", "select", ("", *STATUS_ORDER)),
)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def review_context(request: Request, incident_id: int,
                   error: str | None = None) -> dict[str, Any]:
    """The review log of the incident; for a reviewer, the form's values and token."""
    store: Store = request.app.state.store
    viewer = session_viewer(request)
    context: dict[str, Any] = {"log": store.review_log(incident_id), "error": error,
                               "viewer": viewer, "can_review": False}
    if viewer is not None and viewer.user.can("reviewer"):
        with store.engine.connect() as conn:
            current = incident_values(conn, incident_id) or {}
        context.update(can_review=True, csrf=viewer.csrf, fields=FORM_FIELDS,
                       current={name: _shown(current.get(name)) for name, *_ in FORM_FIELDS})
    return context
