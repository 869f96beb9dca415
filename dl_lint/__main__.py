"""Run dl-lint with ``python3 -m dl_lint``."""

from .cli import run

run()
