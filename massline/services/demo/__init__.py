"""The shipped demo deployment (江州市) and its replayed history, for ``make run``.
"""

from massline.services.demo.loader import DemoReport, demo_loaded, load_demo

__all__ = [
    "DemoReport",
    "demo_loaded",
    "load_demo",
]
