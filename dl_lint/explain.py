"""The dl-lint-explain-tags command: print the explanation of tags."""

from __future__ import annotations

import argparse
import sys

from .errors import DlLintError
from .lint import Registry
from .output import explain_block


def main(argv: list[str] | None = None) -> int:
    """Print explanations of the given tags; return the exit status."""
    parser = argparse.ArgumentParser(prog="dl-lint-explain-tags", description="Explain dl-lint tags.")
    parser.add_argument("tags", nargs="*", metavar="TAG", help="tag names to explain")
    parser.add_argument("-l", "--list-tags", action="store_true", help="list every tag")
    parser.add_argument("--include-dir", action="append", default=[], metavar="DIR",
                        help="extra directory holding checks/ and data/tags/")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return 0 if exit_request.code == 0 else 1
    try:
        registry = Registry.load(tuple(args.include_dir))
    except DlLintError as error:
        print(f"dl-lint-explain-tags: error: {error}", file=sys.stderr)
        return 1
    if args.list_tags:
        print("\n".join(sorted(registry.tags)))
        return 0
    if not args.tags:
        print("dl-lint-explain-tags: error: no tag given; see --list-tags", file=sys.stderr)
        return 1
    status = 0
    for name in args.tags:
        info = registry.tags.get(name)
        if info is None:
            print(f"dl-lint-explain-tags: error: unknown tag {name}", file=sys.stderr)
            status = 1
            continue
        print(f"N: {info.code}: {name}")
        sys.stdout.write(explain_block(info))
    return status


def run() -> None:
    """Entry point of the dl-lint-explain-tags program."""
    sys.exit(main())
