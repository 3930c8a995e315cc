"""ASGI entry point for uvicorn: ``massline.web.asgi:app``."""

from massline.web.app import create_app

app = create_app()
