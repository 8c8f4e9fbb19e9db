"""The HTTP API (FastAPI): parse the request → query tree → backend → rank → explain → respond."""
