"""Massline: an open-source platform for the online mass line (网络群众路线)."""

__version__ = "0.1.0"
