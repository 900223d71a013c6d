"""The audit's records: the equivalents file, the fingerprints, and the baseline that
``--record``, ``--pending`` and ``--changed`` write and read."""

from __future__ import annotations

import json
import shutil

import pytest

from autograder.audit import mutants as mutation
from autograder.audit import records
from autograder.paths import SOLUTIONS
from tests.audit.conftest import fake_audit
from tests.conftest import COURSE
from tests.support.audit import SAMPLE

ITEM = COURSE.item("async01_why_async")


def test_an_equivalents_entry_still_matches_its_mutant_when_the_line_moved():
    first = mutation.make_mutants(SAMPLE)
    moved = mutation.make_mutants(SAMPLE.replace("LATENCY = 1.0\n", "LATENCY = 1.0\nOTHER = 2\n"))
    assert moved[0].id != first[0].id
    reason = records.equivalence(moved[0], {first[0].id: "same meaning"})
    assert reason == "same meaning"


def test_the_equivalents_file_names_real_mutants_with_reasons():
    equivalents = records.load_equivalents()
    for item_id, entries in equivalents.items():
        item = COURSE.item(item_id)
        keys = {m.key for m in mutation.make_mutants((SOLUTIONS / item.filename).read_text(encoding="utf-8"))}
        for entry, reason in entries.items():
            operator, _, digest = entry.split(":")
            assert (operator, digest) in keys, f"{item_id}: {entry} is no mutant of the solution any more"
            assert "\n" not in reason.strip() and len(reason) < 200


def test_a_malformed_equivalents_file_is_one_line(tmp_path):
    path = tmp_path / "eq.toml"
    path.write_text('[async01_why_async]\n"drop-await:L1:abc" = 3\n', encoding="utf-8")
    with pytest.raises(records.AuditError, match="one-line reason"):
        records.load_equivalents(path)


def test_the_fingerprint_follows_the_suite_kit(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(records.KIT, kit, ignore=shutil.ignore_patterns("__pycache__"))
    base = records.fingerprint(ITEM, {}, kit=kit)
    assert base == records.fingerprint(ITEM, {})
    probes = kit / "probes.py"
    probes.write_text(probes.read_text(encoding="utf-8") + "\n# a weaker probe\n", encoding="utf-8")
    assert records.fingerprint(ITEM, {}, kit=kit) != base


def test_the_fingerprint_follows_solution_suite_and_equivalents(tmp_path):
    base = records.fingerprint(ITEM, {})
    assert records.fingerprint(ITEM, {}) == base
    assert records.fingerprint(ITEM, {ITEM.id: {"number:L1:00000000": "why"}}) != base
    assert records.fingerprint(ITEM, {"auth05_jwt_dependency": {"number:L1:00000000": "why"}}) == base
    (tmp_path / ITEM.filename).write_text("edited\n", encoding="utf-8")
    assert records.fingerprint(ITEM, {}, tmp_path) != base


def test_record_keeps_the_other_items_in_a_versioned_sorted_file(tmp_path):
    path = tmp_path / "baseline.json"
    audited = fake_audit("auth05_jwt_dependency", killed=9, survived=1)
    records.record({audited.item.id: audited.baseline_entry()}, path)
    records.record({ITEM.id: {"fingerprint": "f", "audited": False}}, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["version", "mutator", "note", "items"]
    assert (data["version"], data["mutator"]) == (1, mutation.MUTATOR_VERSION)
    assert list(data["items"]) == [ITEM.id, "auth05_jwt_dependency"]
    assert data["items"]["auth05_jwt_dependency"]["survived"] == 1 and data["items"][ITEM.id]["audited"] is False
    assert records.load_baseline(path) == data["items"]


def test_a_file_that_is_no_baseline_is_one_line(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text('{"items": 3}', encoding="utf-8")
    with pytest.raises(records.AuditError, match="is not an audit baseline"):
        records.load_baseline(path)


def test_record_then_changed_audits_only_what_differs(cli, monkeypatch):
    cli.planned["async01_why_async"] = fake_audit("async01_why_async", killed=9, survived=1)
    cli.planned["auth05_jwt_dependency"] = fake_audit("auth05_jwt_dependency", killed=10, survived=0)
    result = cli("async01_why_async", "auth05_jwt_dependency", "--record")
    assert result.exit_code == 0, result.output
    recorded = json.loads(records.BASELINE.read_text())["items"]
    assert set(recorded) == {"async01_why_async", "auth05_jwt_dependency"}
    assert recorded["async01_why_async"]["survived"] == 1

    result = cli("async01_why_async", "auth05_jwt_dependency", "--changed")
    assert result.exit_code == 0 and "0 item(s) differ" in result.output
    assert cli.graded == [["async01_why_async", "auth05_jwt_dependency"]]

    cli.planned["auth01_password_flow"] = fake_audit("auth01_password_flow", killed=5, survived=0)
    real = records.fingerprint
    monkeypatch.setattr(records, "fingerprint", lambda item, *a: "edited" if item.id == "auth05_jwt_dependency"
                        else real(item, *a))
    result = cli("--changed", "async01_why_async", "auth05_jwt_dependency", "auth01_password_flow")
    assert cli.graded[-1] == ["auth01_password_flow", "auth05_jwt_dependency"]


def test_pending_items_wait_until_they_change(cli, monkeypatch):
    cli.planned["async01_why_async"] = fake_audit("async01_why_async", killed=10, survived=0)
    cli.planned["auth01_password_flow"] = fake_audit("auth01_password_flow", killed=10, survived=0)
    assert cli("--pending").exit_code == 2, "--pending names its items"
    result = cli("--pending", "auth01_password_flow")
    assert result.exit_code == 0 and not cli.graded
    assert json.loads(records.BASELINE.read_text())["items"]["auth01_password_flow"]["audited"] is False

    result = cli("--changed", "async01_why_async", "auth01_password_flow")
    assert result.exit_code == 0, result.output
    assert cli.graded == [["async01_why_async"]]
    assert "not audited yet" in result.output and "auth01_password_flow" in result.output

    monkeypatch.setattr(records, "fingerprint", lambda item, *a: "edited")
    cli("--changed", "auth01_password_flow")
    assert cli.graded[-1] == ["auth01_password_flow"]
