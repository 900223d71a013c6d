"""Writing a zip: the student bundle and the Gradescope autograder are both written here.

One writer, so that both refuse the same outputs (a FIFO, a folder: they open through
:func:`autograder.safe.open_output`) and write their entries the same way: compressed,
each a regular file with its permissions. An entry is dated ``FIXED`` unless the zip is
given a date: ZipInfo's own default, which makes the same files the same bytes (the
Gradescope autograder); the student bundle is dated when it is built, as it always was.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autograder.safe import open_output

#: ZipInfo's default date (the earliest a zip can hold).
FIXED = (1980, 1, 1, 0, 0, 0)


class ZipOutput:
    """A zip being written: :meth:`add` puts an entry in it; ``names`` lists them, in order,
    without the zip's top folder."""

    def __init__(self, archive: zipfile.ZipFile, top: str, date_time: tuple[int, ...]) -> None:
        self._archive = archive
        self._top = top
        self._date_time = date_time
        self.names: list[str] = []

    def add(self, name: str, data: str | bytes, mode: int = 0o644) -> None:
        """Add ``data`` (text is written as UTF-8) as ``name`` under the top folder: a regular
        file with the permissions ``mode``."""
        info = zipfile.ZipInfo(f"{self._top}/{name}" if self._top else name, self._date_time)
        info.external_attr = (mode | stat.S_IFREG) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self._archive.writestr(info, data)
        self.names.append(name)


@contextmanager
def writing(out: Path, top: str = "", date_time: tuple[int, ...] = FIXED) -> Iterator[ZipOutput]:
    """Write the zip at ``out``, every entry under the folder ``top`` (none when empty) and
    dated ``date_time``; an output that is no regular file is refused (OutputError)."""
    with open_output(out, binary=True) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        yield ZipOutput(archive, top, date_time)
