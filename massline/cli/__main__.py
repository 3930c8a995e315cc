"""``python -m massline.cli``."""

from massline.cli import run

run()
