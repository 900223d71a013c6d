"""Reading submissions: folders, zips, and everything that can be wrong with them."""

from __future__ import annotations

import os
import zipfile

import pytest

from autograder.grading.submissions import MAX_FILE_BYTES, SubmissionError, open_submission
from tests.conftest import COURSE

ITEMS = [COURSE.item("async01_why_async")]
NAME = "async01_why_async.py"


def make_zip(path, entries: dict[str, bytes | str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("layout", [NAME, f"exercises/{NAME}", f"alice/{NAME}", f"alice/exercises/{NAME}"])
def test_folder_layouts(tmp_path, write_file, layout):
    write_file(f"sub/{layout}", "x = 1\n")
    submission = open_submission(tmp_path / "sub", ITEMS, tmp_path / "work")
    assert submission.name == "sub"
    assert submission.files["async01_why_async"].read_text() == "x = 1\n"


@pytest.mark.parametrize("layout", [NAME, f"exercises/{NAME}", f"alice/{NAME}", f"alice/exercises/{NAME}"])
def test_zip_layouts(tmp_path, layout):
    archive = make_zip(tmp_path / "bob.zip", {layout: "x = 2\n"})
    submission = open_submission(archive, ITEMS, tmp_path / "work")
    assert submission.name == "bob"
    assert submission.files["async01_why_async"].read_text() == "x = 2\n"


def test_grading_works_on_a_private_copy(tmp_path, write_file):
    original = write_file(f"sub/{NAME}", "x = 1\n")
    submission = open_submission(tmp_path / "sub", ITEMS, tmp_path / "work")
    assert submission.files["async01_why_async"] != original
    submission.files["async01_why_async"].write_text("changed")
    assert original.read_text() == "x = 1\n"


@pytest.mark.parametrize(("entry", "fragment"), [("../evil.py", "escapes its folder"),
                                                 ("/abs/evil.py", "escapes its folder"),
                                                 ("a/../../evil.py", "escapes its folder")])
def test_zip_entries_that_escape_are_refused(tmp_path, entry, fragment):
    archive = make_zip(tmp_path / "bad.zip", {NAME: "x = 1\n", entry: "boom"})
    with pytest.raises(SubmissionError, match=fragment):
        open_submission(archive, ITEMS, tmp_path / "work")
    assert not (tmp_path / "evil.py").exists()


def test_not_a_zip(tmp_path, write_file):
    with pytest.raises(SubmissionError, match="not a valid zip"):
        open_submission(write_file("fake.zip", b"PK\x03\x04 garbage"), ITEMS, tmp_path / "work")


def test_zip_bomb_reads_at_most_the_cap(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {NAME: b"#" * (50 * MAX_FILE_BYTES)})
    assert archive.stat().st_size < MAX_FILE_BYTES  # compresses to almost nothing
    submission = open_submission(archive, ITEMS, tmp_path / "work")
    assert "async01_why_async" not in submission.files
    assert "larger than" in submission.notes["async01_why_async"]


def test_symlink_to_a_file_outside_is_not_followed(tmp_path, write_file):
    secret = write_file("secret.txt", "the answers")
    (tmp_path / "sub").mkdir()
    os.symlink(secret, tmp_path / "sub" / NAME)
    submission = open_submission(tmp_path / "sub", ITEMS, tmp_path / "work")
    assert "async01_why_async" not in submission.files
    assert "symbolic link" in submission.notes["async01_why_async"]


@pytest.mark.parametrize("bad", ["missing", "empty", "file"])
def test_unusable_paths(tmp_path, write_file, bad):
    path = {"missing": tmp_path / "nope", "file": write_file("notes.txt", "hi")}.get(bad)
    if bad == "empty":
        path = tmp_path / "empty"
        path.mkdir()
    with pytest.raises(SubmissionError):
        open_submission(path, ITEMS, tmp_path / "work")


def test_odd_characters_in_names(tmp_path, write_file):
    write_file(f"Zoë O'Brien; rm -rf/{NAME}", "x = 1\n")
    submission = open_submission(tmp_path / "Zoë O'Brien; rm -rf", ITEMS, tmp_path / "work")
    assert submission.name == "Zoë O'Brien; rm -rf"
    assert submission.files["async01_why_async"].parent.parent == tmp_path / "work"
