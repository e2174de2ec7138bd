"""wirewatch.serve: the analyst's desk, a read-only web UI and REST API over a store.

``create_app(db)`` builds the FastAPI application (``wirewatch serve`` runs it with uvicorn).
Everything it shows comes from the store's tables through the read queries in this package;
article text and every extracted value are untrusted and are escaped wherever they appear.
Needs the ``serve`` extra (FastAPI, uvicorn, Jinja2, countryinfo for the map's outlines).
"""
