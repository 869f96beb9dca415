"""The dl-lint command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import __version__
from .errors import DlLintError
from .lint import DEFAULT_PROFILE, Registry, fails, lint_source
from .output import write_ewi, write_json
from .sarif import write_sarif


EXIT_OK = 0
EXIT_ERROR = 1
EXIT_HINTS = 2

log = logging.getLogger("dl_lint")


def _epilog(registry: Registry | None) -> str:
    if registry is None:
        return ""
    lines = ["checks:"]
    for name, check in sorted(registry.checks.items()):
        count = sum(1 for t in registry.tags.values() if t.check == name)
        lines.append(f"  {name:<28} {check.summary} ({count} tags)")
    lines.append("")
    lines.append("exit status: 0 no hint at or above --fail-on, 1 run-time error, 2 hints at or above --fail-on")
    return "\n".join(lines)


def build_parser(registry: Registry | None) -> argparse.ArgumentParser:
    """Return the argument parser; its epilog lists the loaded checks."""
    parser = argparse.ArgumentParser(
        prog="dl-lint",
        description="Check Debian source packages for trained machine-learning models "
        "and judge them under a machine-learning policy profile.",
        epilog=_epilog(registry),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="PATH", help="unpacked source tree, .dsc or .changes file")
    parser.add_argument("--format", choices=("ewi", "json", "sarif"), default="ewi", help="output format (default: ewi, lintian's lines)")
    parser.add_argument("-i", "--info", action="store_true", help="explain each emitted tag once")
    parser.add_argument("--fail-on", choices=("error", "warning", "info", "pedantic", "none"), default="error",
                        help="lowest severity that makes the exit status 2 (default: error)")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help=f"policy profile in data/profiles (default: {DEFAULT_PROFILE})")
    parser.add_argument("--include-dir", action="append", default=[], metavar="DIR",
                        help="extra directory holding checks/ and data/tags/ of third parties")
    parser.add_argument("--check", action="append", metavar="NAME", help="run only this check (repeatable)")
    parser.add_argument("--no-info", action="store_true", help="hide info hints")
    parser.add_argument("--pedantic", action="store_true", help="show pedantic hints too")
    parser.add_argument("--show-overrides", action="store_true", help="show overridden hints, marked O:")
    parser.add_argument("--no-override", action="store_true", help="ignore override files")
    parser.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    parser.add_argument("--list-tags", action="store_true", help="list the tags and exit")
    parser.add_argument("--retrain", action="store_true",
                        help="also run each Retrain-Command of debian/ml-models in a sandbox and compare the runs")
    parser.add_argument("--runs", type=int, default=2, metavar="N", help="runs per model with --retrain (default: 2)")
    parser.add_argument("--report-dir", metavar="DIR",
                        help="directory for the retrain report, models, logs and plots (default: a new temporary directory)")
    parser.add_argument("--allow-no-sandbox", action="store_true",
                        help="with --retrain, run package commands even where bwrap cannot isolate them")
    parser.add_argument("--retrain-timeout", type=float, metavar="SECONDS",
                        help="maximum wall-clock seconds of one retrain run; a smaller Retrain-Timeout wins "
                        "(default: Retrain-Timeout, else 600)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress on stderr (twice for debug)")
    parser.add_argument("--version", action="version", version=f"dl-lint {__version__}")
    return parser


def _severities(args: argparse.Namespace) -> set[str]:
    shown = {"error", "warning", "info", "classification"}
    if args.no_info:
        shown.discard("info")
    if args.pedantic:
        shown.add("pedantic")
    return shown


def _include_dirs(argv: list[str]) -> tuple[str, ...]:
    """Find --include-dir values before the full parse, since they change --help."""
    found = []
    for index, word in enumerate(argv):
        if word == "--include-dir" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif word.startswith("--include-dir="):
            found.append(word.split("=", 1)[1])
    return tuple(found)


def main(argv: list[str] | None = None) -> int:
    """Run dl-lint; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        registry = Registry.load(_include_dirs(argv))
    except DlLintError as error:
        print(f"dl-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    parser = build_parser(registry)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return EXIT_OK if exit_request.code == 0 else EXIT_ERROR
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="dl-lint: %(levelname)s: %(message)s")

    if args.list_checks:
        for name, check in sorted(registry.checks.items()):
            print(f"{name}\t{check.summary}")
        return EXIT_OK
    if args.list_tags:
        for name in sorted(registry.tags):
            print(name)
        return EXIT_OK
    if not args.inputs:
        parser.print_usage(sys.stderr)
        print("dl-lint: error: no source package given", file=sys.stderr)
        return EXIT_ERROR
    return _lint_all(args, registry)


def _lint_all(args: argparse.Namespace, registry: Registry) -> int:
    only = set(args.check) if args.check else None
    if only and not only <= set(registry.checks):
        unknown = ", ".join(sorted(only - set(registry.checks)))
        print(f"dl-lint: error: unknown check {unknown}; see dl-lint --list-checks", file=sys.stderr)
        return EXIT_ERROR
    results = []
    try:
        for argument in args.inputs:
            if args.retrain:
                from .retrain.runner import options_from_arguments, retrain_source

                text = sys.stdout if args.format == "ewi" else sys.stderr
                results.append(retrain_source(argument, registry, options_from_arguments(args, text), only=only,
                                              use_overrides=not args.no_override, profile=args.profile))
                continue
            results.append(
                lint_source(argument, registry, only=only, use_overrides=not args.no_override, profile=args.profile)
            )
    except DlLintError as error:
        print(f"dl-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "json":
        write_json(results, sys.stdout)
    elif args.format == "sarif":
        write_sarif(results, sys.stdout, tags=registry.tags, severities=_severities(args))
    else:
        for result in results:
            write_ewi(result, sys.stdout, severities=_severities(args), tags=registry.tags,
                      show_overrides=args.show_overrides, info=args.info)
    failed = any(fails(result.hints, args.fail_on) for result in results)
    return EXIT_HINTS if failed else EXIT_OK


def run() -> None:
    """Entry point of the dl-lint program."""
    # File names from a package may contain any bytes, so characters the
    # terminal encoding lacks are printed as backslash escapes.
    sys.stdout.reconfigure(errors="backslashreplace")
    try:
        status = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("dl-lint: error: interrupted", file=sys.stderr)
        status = 130
    except BrokenPipeError:
        # The reader (such as head) went away: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_ERROR
    sys.exit(status)

