"""The web tier: FastAPI app factory, routers, templates and local static assets."""
