"""The ``unsealed`` command: a thin shell over the library.

Each command group lives in its own module with a ``register(subparsers)``
function; heavy libraries are imported inside the handlers so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import sys

from unsealed import __version__
from unsealed.cli import (
    case_cmds,
    figures_cmds,
    people_cmds,
    publish_cmds,
    search_cmds,
    synth_cmds,
    verify_cmds,
    web_cmds,
)

GROUPS = (case_cmds, search_cmds, people_cmds, figures_cmds, synth_cmds, verify_cmds, publish_cmds, web_cmds)


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unsealed",
        description="Turn a leaked cache of files into verified, searchable, publishable evidence.",
    )
    parser.add_argument("--version", action="version", version=f"unsealed {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from unsealed.store.case import CaseError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (CaseError, UserError, FileNotFoundError, FileExistsError) as exc:
        print(f"unsealed {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"unsealed {args.command}: interrupted; run it again to continue where it stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
