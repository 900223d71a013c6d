"""Finding a student's exercise files in a folder or a ``.zip``, safely.

A submission is a folder or a zip holding ``<item id>.py`` files at its top, under
``exercises/``, or under one wrapping folder (``alice/exercises/...``, as zipping a
folder makes). The student's name is the folder's name or the zip's stem.

Every file is copied into a private working folder before grading, so student code
never runs against the originals. Only the item files are read, each up to
``MAX_FILE_BYTES``: a zip bomb costs us at most that much per item.
"""

from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.manifest import Item

MAX_FILE_BYTES = 1_000_000
MAX_ZIP_ENTRIES = 10_000


class SubmissionError(Exception):
    """The grader cannot read this submission at all (one readable line)."""


@dataclass
class Submission:
    name: str
    origin: Path
    files: dict[str, Path]  # item id -> private copy
    notes: dict[str, str]  # item id -> why a file present in the submission was not taken


def _candidates(item_id: str) -> list[PurePosixPath]:
    name = f"{item_id}.py"
    return [PurePosixPath(name), PurePosixPath("exercises", name)]


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.@+-]+", "_", name).strip("._") or "submission"
    return cleaned[:80]


def open_submission(path: Path, items: list[Item], workdir: Path) -> Submission:
    """Copy the item files of the submission at ``path`` into ``workdir``."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"no such file or folder: {path}")
    if path.is_dir():
        name, found, notes = path.name, *_from_folder(path, items)
    elif path.suffix.lower() == ".zip":
        name, found, notes = path.stem, *_from_zip(path, items)
    else:
        raise SubmissionError(f"{path} is neither a folder nor a .zip")
    if not found and not notes:
        raise SubmissionError(
            f"{path} holds no exercise file (expected <item id>.py at its top or under exercises/)"
        )
    target = workdir / _safe_name(name)
    target.mkdir(parents=True, exist_ok=True)
    files = {}
    for item_id, data in found.items():
        copy = target / f"{item_id}.py"
        copy.write_bytes(data)
        files[item_id] = copy
    return Submission(name=name, origin=path, files=files, notes=notes)


def _from_folder(root: Path, items: list[Item]) -> tuple[dict[str, bytes], dict[str, str]]:
    roots = [root]
    subfolders = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and p.name != "exercises"]
    if len(subfolders) == 1:
        roots.append(subfolders[0])
    found: dict[str, bytes] = {}
    notes: dict[str, str] = {}
    for item in items:
        for base in roots:
            for relative in _candidates(item.id):
                candidate = base / relative
                if candidate.is_symlink():
                    notes[item.id] = f"{relative} is a symbolic link; submit the file itself"
                    continue
                if candidate.is_file():
                    if candidate.stat().st_size > MAX_FILE_BYTES:
                        notes[item.id] = f"{relative} is larger than {MAX_FILE_BYTES // 1000} kB"
                        continue
                    found[item.id] = candidate.read_bytes()
                    notes.pop(item.id, None)
                    break
            if item.id in found:
                break
    return found, notes


def _from_zip(path: Path, items: list[Item]) -> tuple[dict[str, bytes], dict[str, str]]:
    with _open_zip(path) as archive:
        entries = archive.infolist()
        _refuse_entries(path, entries)
        by_name = {PurePosixPath(e.filename): e for e in entries if not e.is_dir()}
        prefixes = _zip_prefixes(by_name)
        found: dict[str, bytes] = {}
        notes: dict[str, str] = {}
        for item in items:
            entry = next((by_name[prefix / c] for prefix in prefixes for c in _candidates(item.id)
                          if prefix / c in by_name), None)
            if entry is None:
                continue
            data, note = _unpack(archive, entry)
            if data is None:
                notes[item.id] = note
            else:
                found[item.id] = data
        return found, notes


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not zipfile.is_zipfile(path):
        raise SubmissionError(f"{path} is not a valid zip file")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{path} cannot be opened as a zip: {exc}") from None


def _refuse_entries(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse the whole zip when it holds too many entries, or one whose name leaves its folder."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SubmissionError(f"{path} holds more than {MAX_ZIP_ENTRIES} entries")
    for entry in entries:
        name = PurePosixPath(entry.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or entry.filename.startswith(("/", "\\")):
            raise SubmissionError(f"{path}: entry {entry.filename!r} escapes its folder")


def _zip_prefixes(by_name: dict[PurePosixPath, zipfile.ZipInfo]) -> list[PurePosixPath]:
    """Where item files may sit: the top, and the one folder wrapping everything (zipping a folder makes one)."""
    tops = {p.parts[0] for p in by_name if len(p.parts) > 1}
    return [PurePosixPath()] + ([PurePosixPath(next(iter(tops)))] if len(tops) == 1 else [])


def _unpack(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> tuple[bytes | None, str]:
    """The entry's bytes (at most ``MAX_FILE_BYTES`` are read), or None and why it is not taken."""
    if (entry.external_attr >> 16) & 0o170000 == 0o120000:
        return None, f"{entry.filename} is a symbolic link; submit the file itself"
    try:
        with archive.open(entry) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        return None, f"{entry.filename} cannot be unpacked: {exc}"
    if len(data) > MAX_FILE_BYTES:
        return None, f"{entry.filename} is larger than {MAX_FILE_BYTES // 1000} kB once unpacked"
    return data, ""


def cleanup(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
