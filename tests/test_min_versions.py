"""The minimum-versions leg's pins come from pyproject.toml, and only from there."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest

from autograder.paths import ROOT

spec = importlib.util.spec_from_file_location("min_versions", ROOT / ".ci" / "min_versions.py")
min_versions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(min_versions)


def test_every_dependency_is_pinned_at_its_floor():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    floors = min_versions.floors()
    assert len(floors) == len(dependencies)
    assert floors["fastapi"] == "0.115.10" and floors["sqlalchemy"] == "2.0.38"  # extras dropped, names normalised


def test_a_dependency_without_a_floor_is_refused(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["fastapi>=0.115", "httpx<1"]\n')
    with pytest.raises(SystemExit, match="httpx<1"):
        min_versions.floors(pyproject)


def test_a_floor_and_its_zero_padded_release_are_one():
    assert min_versions.release("2.10") == min_versions.release("2.10.0") != min_versions.release("2.10.1")
