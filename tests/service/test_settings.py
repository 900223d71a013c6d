"""One secret per data folder, and the course's rules read once into the settings."""

from __future__ import annotations

import pytest

from autograder.service import run
from autograder.service.policy import Policy, Rules
from autograder.service.settings import Settings, secret_for
from tests.support.service import ITEM, settings_for


def test_settings_for_keeps_one_secret_per_data_folder(tmp_path):
    first = run.settings_for(tmp_path / "data")
    again = run.settings_for(tmp_path / "data")
    other = run.settings_for(tmp_path / "other")
    assert first.secret == again.secret != other.secret
    assert (tmp_path / "data" / "secret").stat().st_mode & 0o777 == 0o600
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'service.db'}"
    assert len(first.secret) >= 64


def test_a_secret_file_is_read_not_rewritten(tmp_path):
    (tmp_path / "secret").write_text("kept-secret\n")
    assert secret_for(tmp_path) == "kept-secret"


def test_the_rules_come_from_the_course_unless_a_policy_is_given(tmp_path):
    settings = settings_for(tmp_path)
    item = settings.course.item(ITEM)
    assert settings.rules(item) == settings.policy.rules(item)
    strict = Policy(Rules(feedback="score"), {}, {})
    assert Settings(database_url="sqlite+aiosqlite://", secret="x", policy=strict).rules(item).feedback == "score"


def test_settings_are_frozen(tmp_path):
    with pytest.raises(AttributeError):
        settings_for(tmp_path).secret = "other"
