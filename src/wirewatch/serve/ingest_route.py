"""The optional write API: ``POST /api/documents`` stores new documents, only when the desk
was started with a write token and the request carries it (``Authorization: Bearer ...``).

Documents go through the public API exactly as ``wirewatch ingest`` sends them
(``documents_from_rows`` -> ``extract_records`` -> ``Store.add_records``); a document that
fails gets its error in the response and the rest are stored. One ingest runs at a time,
since the store's in-memory merge index is not shared between threads.
"""

from __future__ import annotations

import secrets
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from wirewatch.api import DEFAULT_MAX_CHARS, documents_from_rows, extract_records

router = APIRouter(prefix="/api", tags=["write"])
bearer = HTTPBearer(auto_error=False, description="The token given to `wirewatch serve "
                                                   "--write-token`.")
_lock = threading.Lock()


class IngestDocument(BaseModel):
    """One document to extract and store (as a JSONL input line)."""

    id: str = Field(min_length=1, max_length=300)
    text: str | None = Field(None, max_length=DEFAULT_MAX_CHARS)
    html: str | None = Field(None, max_length=4 * DEFAULT_MAX_CHARS)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2048)
    outlet: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=40, description="YYYY-MM-DD")
    language: str | None = Field(None, max_length=16)


def check_token(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    token: str | None = request.app.state.write_token
    if not token:
        raise HTTPException(403, "read-only desk: start `wirewatch serve --write-token ...` "
                                 "to accept documents")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong write token",
                            headers={"WWW-Authenticate": "Bearer"})


@router.post("/documents", summary="Extract and store documents (needs the write token)",
             dependencies=[Depends(check_token)])
def ingest_documents(request: Request, documents: Annotated[
        list[IngestDocument], Body(max_length=100)]) -> dict[str, Any]:
    rows = [doc.model_dump(exclude_none=True) for doc in documents]
    errors: list[dict[str, str]] = []

    def failed(record: dict[str, Any]) -> None:
        if "error" in record:
            errors.append({"id": str(record.get("id")), "error": str(record["error"])})

    with _lock:
        records = extract_records(documents_from_rows(rows, source="<api>"), include_text=True,
                                  progress=failed)
        stats = request.app.state.store.add_records(records)
    return {**stats.as_dict(), "failed": errors}
