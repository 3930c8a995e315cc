"""Massline: an open-source platform for the online mass line (网络群众路线).

``hookimpl`` marks a plugin's hook implementations (see ``massline.hookspecs``).
"""

from massline.hookspecs import hookimpl

__all__ = ["__version__", "hookimpl"]
__version__ = "0.1.0"
