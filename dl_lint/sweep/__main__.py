"""Run dl-lint-sweep with ``python3 -m dl_lint.sweep``."""

from .cli import run

run()
