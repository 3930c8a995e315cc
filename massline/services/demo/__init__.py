"""The shipped demo deployment (江州市) and its replayed history, for ``make run``;
a category model trained from that history when none is configured yet.
"""

from massline.services.demo.loader import DemoReport, demo_loaded, load_demo, train_demo_model

__all__ = [
    "DemoReport",
    "demo_loaded",
    "load_demo",
    "train_demo_model",
]
