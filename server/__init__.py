"""localspotify's HTTP server: the Spotify Web API's catalog routes, answered from a local catalog.

from server import create_app
uvicorn.run(create_app("catalog.duckdb"))
"""

from .app import create_app

__all__ = ["create_app"]
