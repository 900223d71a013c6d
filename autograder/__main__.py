"""The ``workbook`` command (and ``python -m autograder``).

For the commands that grade, the fork server starts before the CLI is even imported
(:mod:`autograder.warm`): its imports and the CLI's then run side by side.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] in _warm().COMMANDS and "--help" not in args:
        _warm().start()
    from autograder.cli import main as cli

    cli()


def _warm():
    from autograder import warm

    return warm


if __name__ == "__main__":
    main()
