#!/usr/bin/env python3
"""The floors of pyproject.toml's dependencies, pinned: the minimum-versions CI leg.

The course is taught on whatever FastAPI (and the rest) a student installs, from the
lowest versions pyproject.toml allows. This script is the one place that turns those
floors into pins, so the leg cannot drift from pyproject.toml:

    min_versions.py             print a pip constraints file: one `name==floor` a line
    min_versions.py --check     compare the installed versions with the floors, print
                                them, and exit 1 when one differs (pip chose another)

Every dependency must state its floor as `>=X` (alone, or with an upper bound); one
without a floor is an error, since "the lowest version allowed" would mean anything.
Extras are dropped: a constraints file pins distributions, not their extras.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)")
FLOOR = re.compile(r">=\s*(?P<version>[0-9][0-9A-Za-z.+-]*)")


def floors(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Each runtime dependency's name (normalised) and the floor it states."""
    found: dict[str, str] = {}
    for line in tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]:
        match = REQUIREMENT.match(line)
        floor = FLOOR.search(match["spec"]) if match else None
        if not floor:
            raise SystemExit(f"{pyproject.name}: {line!r} states no floor (>=X); the minimum-versions leg needs one")
        found[re.sub(r"[-_.]+", "-", match["name"]).lower()] = floor["version"]
    return found


def release(version: str) -> tuple[int, ...]:
    """'2.10' and '2.10.0' are the same release (PEP 440 pads with zeros)."""
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def check() -> int:
    wrong = []
    for name, floor in floors().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        print(f"{name:20} floor {floor:10} installed {installed}")
        if installed == "missing" or release(installed) != release(floor):
            wrong.append(name)
    if wrong:
        print(f"not at their floor: {', '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        return check()
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name, floor in floors().items():
        print(f"{name}=={floor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
