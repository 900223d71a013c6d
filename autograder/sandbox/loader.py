"""Loading a student's exercise file as a fresh module.

Every test gets its own copy of the module, so state kept in module globals (an
in-memory store, a counter) never leaks from one test into the next.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


class StudentImportError(Exception):
    """The student's module could not be imported; ``message`` is the readable line."""

    def __init__(self, message: str, original: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.original = original


def load(path: Path, name: str | None = None) -> ModuleType:
    """Execute ``path`` as a brand-new module named after the file (or ``name``).

    The module is registered in ``sys.modules`` while it runs, as a normal import
    would, so that pydantic and dataclasses can resolve the module's own annotations.
    Any exception (SystemExit included) becomes :class:`StudentImportError`.
    """
    from autograder.sandbox.messages import describe

    path = Path(path)
    name = name or path.stem
    if not path.is_file():
        raise StudentImportError(f"{path.name} was not found")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for odd suffixes
        raise StudentImportError(f"{path.name} cannot be imported as Python")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except KeyboardInterrupt as exc:
        raise StudentImportError(f"importing {path.name} raised KeyboardInterrupt", exc) from None
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        if previous is not None:
            sys.modules[name] = previous
        else:
            sys.modules.pop(name, None)
        raise StudentImportError(describe(exc, path), exc) from None
    return module
