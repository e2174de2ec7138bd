"""The optional write API: ``POST /api/documents`` stores new documents, only when the desk
was started with a write token and the request carries it (``Authorization: Bearer ...``).

The token is checked before a byte of the body is read (the route declares no body
parameter, so FastAPI reads nothing first); the body is then read up to the desk's limit
(``BodyLimit`` refuses a larger one by its Content-Length, or while it streams), parsed and
checked here. Values the CLI repairs are repaired here too, not refused: lone surrogates
become U+FFFD and an integer id is its digits; the lengths of ids, titles, URLs and outlets
follow the contract's one set of limits (``contract.limits``), applied by the readers as for
``wirewatch ingest``. Extraction and the store write run in a worker process
(``serve.extraction``), so reads stay fast while documents are processed; a document that
fails gets its error in the response and the rest are stored. One store write runs at a
time, since the store's in-memory merge index is not shared between threads.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, StrictInt, TypeAdapter, ValidationError

from wirewatch.api import DEFAULT_MAX_CHARS
from wirewatch.contract.limits import clean_string
from wirewatch.serve.security import read_body

router = APIRouter(prefix="/api", tags=["write"])
bearer = HTTPBearer(auto_error=False, description="The token given to `wirewatch serve "
                                                   "--write-token`.")
_lock = threading.Lock()
#: Documents one request may carry.
MAX_DOCUMENTS = 100


class IngestDocument(BaseModel):
    """One document to extract and store (as a JSONL input line). Ids, titles, URLs and
    outlets longer than the contract's limits are shortened or dropped with a note."""

    id: str | StrictInt = Field(description="A string, or a whole number (stored as its digits).")
    text: str | None = Field(None, max_length=DEFAULT_MAX_CHARS)
    html: str | None = Field(None, max_length=4 * DEFAULT_MAX_CHARS)
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, max_length=40, description="YYYY-MM-DD")
    language: str | None = Field(None, max_length=64)


_DOCUMENTS = TypeAdapter(Annotated[list[IngestDocument], Field(max_length=MAX_DOCUMENTS)])
_BODY_SCHEMA = {"type": "array", "maxItems": MAX_DOCUMENTS,
                "items": IngestDocument.model_json_schema()}


def check_token(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    token: str | None = request.app.state.write_token
    if not token:
        raise HTTPException(403, "read-only desk: start `wirewatch serve --write-token ...` "
                                 "to accept documents")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode("utf-8", "replace"), token.encode()):
        raise HTTPException(401, "missing or wrong write token",
                            headers={"WWW-Authenticate": "Bearer"})


def _repaired(value: Any) -> Any:
    """``value`` with every string cleaned (lone surrogates, NUL -> U+FFFD), as the CLI's
    readers clean them, so what the CLI repairs the API accepts."""
    if isinstance(value, str):
        return clean_string(value)[0]
    if isinstance(value, list):
        return [_repaired(v) for v in value]
    if isinstance(value, dict):
        return {_repaired(k) if isinstance(k, str) else k: _repaired(v) for k, v in value.items()}
    return value


def parse_documents(body: bytes) -> list[IngestDocument]:
    """The request body as documents, or a 422 naming what is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise RequestValidationError([{"loc": ("body",), "msg": "the body is not JSON",
                                       "type": "json_invalid"}]) from None
    try:
        return _DOCUMENTS.validate_python(_repaired(data))
    except ValidationError as err:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in err.errors()]) from None


def _store(store: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    with _lock:
        return store.add_records(records).as_dict()


@router.post("/documents", summary="Extract and store documents (needs the write token)",
             dependencies=[Depends(check_token)],
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": _BODY_SCHEMA}}}})
async def ingest_documents(request: Request) -> dict[str, Any]:
    body = await read_body(request, request.app.state.max_body_bytes)
    documents = parse_documents(body)
    rows = [{**doc.model_dump(exclude_none=True), "id": str(doc.id)} for doc in documents]
    store = request.app.state.store
    stats, records, errors = await request.app.state.extractor.ingest(store, rows)
    if stats is None:
        stats = await run_in_threadpool(_store, store, records)
    return {**stats, "failed": errors}
