"""The HTTP API: `create_app(settings=None, assistant=None)` → FastAPI; `serve` runs it with the UI."""

from assistant.api.app import create_app

__all__ = ["create_app"]
