"""The one zip writer: entries under a top folder, with their permissions and date."""

from __future__ import annotations

import stat
import zipfile

import pytest

from autograder.authoring import archive
from autograder.safe import OutputError


def test_entries_sit_under_the_top_folder_and_names_leave_it_out(tmp_path):
    out = tmp_path / "b.zip"
    with archive.writing(out, "top") as zipped:
        zipped.add("README.md", "hello\n")
        zipped.add("bin/run", b"#!/bin/sh\n", 0o755)
    assert zipped.names == ["README.md", "bin/run"]
    with zipfile.ZipFile(out) as written:
        assert written.namelist() == ["top/README.md", "top/bin/run"]
        assert written.read("top/README.md") == b"hello\n"
        modes = [info.external_attr >> 16 for info in written.infolist()]
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in written.infolist())
    assert modes == [stat.S_IFREG | 0o644, stat.S_IFREG | 0o755]


def test_the_same_files_make_the_same_bytes_unless_given_a_date(tmp_path):
    def write(name: str, **dated) -> bytes:
        with archive.writing(tmp_path / name, **dated) as zipped:
            zipped.add("a.txt", "a")
        return (tmp_path / name).read_bytes()

    assert write("one.zip") == write("two.zip")
    assert write("dated.zip", date_time=(2024, 5, 6, 7, 8, 10)) != write("one.zip")
    with zipfile.ZipFile(tmp_path / "dated.zip") as written:
        assert written.getinfo("a.txt").date_time == (2024, 5, 6, 7, 8, 10)


def test_a_folder_in_the_way_is_refused(tmp_path):
    (tmp_path / "x.zip").mkdir()
    with pytest.raises(OutputError), archive.writing(tmp_path / "x.zip") as zipped:
        zipped.add("a.txt", "a")
