"""The course manifest as typed objects: the course model, and what a malformed manifest is told.

The real manifest's content (every item has its files, points add up, sections in order)
is checked by tests/course/test_course.py; here, small manifests written for each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import manifest
from autograder.paths import MANIFEST

# --- the rules, on a manifest's text --------------------------------------------------------------

MINIMAL = """
[[sections]]
id = "s"
title = "S"
document = "d.md"
[[items]]
id = "s01_x"
title = "X"
section = "{section}"
points = 1
source = {{ document = "d.md", section = "S", question = 1 }}
"""


def test_manifest_rejects_duplicates_and_unknown_sections():
    item = MINIMAL.split("[[items]]")[1]
    with pytest.raises(ValueError, match="listed twice"):
        manifest.parse(MINIMAL.format(section="s") + "[[items]]" + item.format(section="s"))
    with pytest.raises(ValueError, match="unknown section"):
        manifest.parse(MINIMAL.format(section="nope"))
    assert manifest.parse(MINIMAL.format(section="s")).item("s01_x").hint(None) == ""


def _with(extra: str) -> str:
    return MINIMAL.format(section="s") + extra


def test_a_hint_is_a_string_or_two_or_three_graduated_levels():
    item = manifest.parse(_with('hints = ["one level", ["the idea", "the API"], ["idea", "API", "code"]]\n')
                          ).item("s01_x")
    assert item.hints == (("one level",), ("the idea", "the API"), ("idea", "API", "code"))
    assert item.tasks == 3 and item.levels(3) == ("idea", "API", "code") and item.levels(4) == ()
    assert item.hint(2) == "the idea" and item.hint(3) == "idea"  # a failing check shows the first level
    assert item.hint(None) == "one level"
    for bad in ('["only one"]', '["a", "b", "c", "d"]', '["a", 3]', '["a", ""]', "[]"):
        with pytest.raises(ValueError, match="hint 1: a hint is a string or a list of 2 or 3"):
            manifest.parse(_with(f"hints = [{bad}]\n"))


def test_an_item_may_go_beyond_the_sources():
    text = MINIMAL.format(section="s").replace(
        'source = { document = "d.md", section = "S", question = 1 }',
        'source = { document = "beyond the sources", section = "Structured logging" }')
    item = manifest.parse(text).item("s01_x")
    assert item.source.beyond and str(item.source) == "beyond the sources: Structured logging"
    for bad, why in (('{ document = "beyond the sources", section = "T", question = 2 }', "topic"),
                     ('{ document = "other.md", section = "S" }', "unknown document"),
                     ('{ document = "beyond the sources", section = " " }', "without a section")):
        with pytest.raises(ValueError, match=why):
            manifest.parse(MINIMAL.format(section="s").replace(
                'source = { document = "d.md", section = "S", question = 1 }', f"source = {bad}"))




# --- a small course, loaded from its file --------------------------------------------------------

SMALL = """
[[sections]]
id = "basics"
title = "The basics"
document = "d.md"
[[sections]]
id = "more"
title = "More of it"
document = "e.md"
[[items]]
id = "basics01_first"
title = "First"
section = "basics"
points = 10
source = { document = "d.md", section = "Part A", question = 3, part = "b" }
hints = ["one level", ["the idea", "the API", "the code"]]
[[items]]
id = "more01_second"
title = "Second"
section = "more"
points = 5
source = { document = "e.md", section = "Part B" }
[[items]]
id = "basics02_third"
title = "Third"
section = "basics"
points = 2
source = { document = "beyond the sources", section = "Structured logging" }
"""


def written(folder: Path, text: str) -> Path:
    path = folder / "course.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path) -> manifest.Course:
    return manifest.load(written(tmp_path, SMALL))


def test_a_manifest_file_becomes_the_course_in_its_order(small):
    assert [(s.id, s.title, s.document) for s in small.sections] == [("basics", "The basics", "d.md"),
                                                                     ("more", "More of it", "e.md")]
    assert [(i.id, i.section, i.points, i.filename) for i in small.items] == [
        ("basics01_first", "basics", 10, "basics01_first.py"), ("more01_second", "more", 5, "more01_second.py"),
        ("basics02_third", "basics", 2, "basics02_third.py")]
    first, second, third = small.items
    assert first.source == manifest.Source("d.md", "Part A", 3, "b") and str(first.source) == "d.md, Part A, Q3 (b)"
    assert str(second.source) == "e.md, Part B" and not second.source.beyond
    assert third.source.beyond and str(third.source) == "beyond the sources: Structured logging"
    assert first.hints == (("one level",), ("the idea", "the API", "the code")) and second.hints == ()


def test_a_manifest_is_loaded_once(tmp_path):
    path = written(tmp_path, SMALL)
    assert manifest.load(path) is manifest.load(path)
    assert manifest.load() is manifest.load() and manifest.load(MANIFEST) is manifest.load(MANIFEST)


def test_a_hint_for_a_task_the_item_does_not_have_is_its_first(small):
    first = small.item("basics01_first")
    assert (first.tasks, first.levels(2), first.levels(0), first.levels(3)) == (2, ("the idea", "the API", "the code"),
                                                                              (), ())
    assert [first.hint(task) for task in (1, 2, None, 0, 3)] == ["one level", "the idea", "one level", "one level",
                                                                 "one level"]


def test_an_item_is_found_by_its_id_or_named_as_unknown(small):
    assert small.item("more01_second") is small.items[1]
    with pytest.raises(manifest.UnknownItem) as caught:
        small.item("nope01_nothing")
    assert str(caught.value) == "unknown item 'nope01_nothing' (`workbook list` shows the items)"
    assert caught.value.item_id == "nope01_nothing" and isinstance(caught.value, LookupError)


def test_a_section_is_found_by_its_id_or_named_with_the_known_ones(small):
    assert small.section("more") is small.sections[1]
    with pytest.raises(manifest.UnknownSection) as caught:
        small.section("week9")
    assert str(caught.value) == "unknown section 'week9' (sections: basics, more)"
    assert caught.value.section_id == "week9" and isinstance(caught.value, LookupError)


def ids(items: list[manifest.Item]) -> list[str]:
    return [item.id for item in items]


def test_select_adds_ids_and_sections_up_in_course_order(small):
    everything = ids(small.items)
    assert ids(small.select(None)) == ids(small.select([], [])) == everything  # naming nothing is all
    assert ids(small.select(["basics02_third", "basics01_first"])) == ["basics01_first", "basics02_third"]
    assert ids(small.select(None, ["basics"])) == ["basics01_first", "basics02_third"]
    assert ids(small.select(["more01_second"], ["basics"])) == everything  # a section, give or take an item
    assert ids(small.select(["basics01_first"], ["basics"])) == ["basics01_first", "basics02_third"]  # no twice


def test_select_refuses_an_unknown_id_or_section(small):
    with pytest.raises(manifest.UnknownItem, match="unknown item 'nope'"):
        small.select(["basics01_first", "nope"], ["more"])
    with pytest.raises(manifest.UnknownSection, match=r"unknown section 'week9' \(sections: basics, more\)"):
        small.select(["basics01_first"], ["more", "week9"])


FIRST_SOURCE = 'source = { document = "d.md", section = "Part A", question = 3, part = "b" }'
SECOND_ITEM = SMALL[SMALL.index("[[items]]\nid = \"more01_second\""):SMALL.index("[[items]]\nid = \"basics02_third\"")]
MALFORMED = {
    "an id twice": (SMALL + SECOND_ITEM, "course.toml: item 'more01_second' is listed twice"),
    "an unknown section": (SMALL.replace('section = "more"', 'section = "week9"'),
                           "course.toml: item 'more01_second' names unknown section 'week9'"),
    "an unknown document": (SMALL.replace(FIRST_SOURCE, 'source = { document = "other.md", section = "A" }'),
                            "course.toml: item 'basics01_first' names unknown document 'other.md' "
                            "(known: ['d.md', 'e.md'], or 'beyond the sources')"),
    "beyond with a question": (SMALL.replace('section = "Structured logging" }',
                                             'section = "Structured logging", question = 1 }'),
                               "course.toml: item 'basics02_third' goes beyond the sources: its source names a "
                               "topic (section) only, no question or part"),
    "beyond with a part": (SMALL.replace('section = "Structured logging" }', 'section = "Logging", part = "a" }'),
                           "course.toml: item 'basics02_third' goes beyond the sources: its source names a topic "
                           "(section) only, no question or part"),
    "a blank source section": (SMALL.replace('section = "Part B"', 'section = "  "'),
                               "course.toml: item 'more01_second' has a source without a section or topic"),
    "a hint of four levels": (SMALL.replace('"the code"]', '"the code", "more"]'),
                              "course.toml: item 'basics01_first', hint 2: a hint is a string or a list of 2 or 3 "
                              "non-empty strings (the idea, the API, then the code)"),
    "a hint that is a number": (SMALL.replace('hints = ["one level",', "hints = [7,"),
                                "course.toml: item 'basics01_first', hint 1: a hint is a string or a list of 2 or 3 "
                                "non-empty strings (the idea, the API, then the code)"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_manifest_is_refused_with_what_is_wrong_and_where(tmp_path, case):
    text, message = MALFORMED[case]
    assert text != SMALL
    with pytest.raises(ValueError) as caught:
        manifest.load(written(tmp_path, text))
    assert str(caught.value) == message


def test_a_manifest_that_is_not_toml_is_refused(tmp_path):
    with pytest.raises(ValueError, match="line 1"):
        manifest.load(written(tmp_path, "[[sections]\n"))
