"""The ``workbook`` command (and ``python -m autograder``).

For the commands that grade, the fork server starts before the CLI is even imported
(:mod:`autograder.sandbox.warm`): its imports and the CLI's then run side by side.
"""

from __future__ import annotations

import sys


def main() -> None:
    # Imported here, not at the top: multiprocessing runs this module again in every worker
    # (as ``__mp_main__``), where nothing but its definitions should cost anything.
    from autograder.sandbox import warm

    args = sys.argv[1:]
    if args and args[0] in warm.COMMANDS and "--help" not in args:
        warm.start()
    from autograder.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
