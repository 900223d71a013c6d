"""The mutation audit: the mutants it makes, how it judges them, its baseline and its CLI.

Only one test grades (a few mutants of async01 through the real engine); the others
check the mutator on a sample module and drive the command with prepared results.
"""

from __future__ import annotations

import ast
import json
import shutil
from functools import cache

import pytest
from typer.testing import CliRunner

from autograder.audit import mutants as mutation
from autograder.audit import records, runner
from autograder.audit.mutants import Mutant
from autograder.audit.runner import ItemAudit, Outcome
from autograder.authoring import build
from autograder.cli import app
from autograder.paths import SOLUTIONS
from tests.conftest import COURSE, SLOW_MACHINE

ITEM = COURSE.item("async01_why_async")

SAMPLE = '''"""A sample module: nothing here is mutated but the answer."""
import asyncio
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security, status

LATENCY = 1.0
app = FastAPI()

# BEGIN SOLUTION
def current(token: Annotated[str, Depends(scheme)]) -> dict:
    """Docstrings are never mutated."""
    claims = jwt.decode(token, KEY, algorithms=["HS256", "HS384"], options={"require": ["exp"]})
    if claims.get("n", 0) > 3 and not claims.get("ok"):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Invalid token",
                            headers={"WWW-Authenticate": "Bearer", "X-Why": "bad"})
    return claims


router = APIRouter(dependencies=[Depends(current), Depends(audit_me)])


@app.get("/items", status_code=404)
async def items(user: dict = Depends(current), admin=Security(current, scopes=["read", "write"])) -> list:
    await asyncio.sleep(LATENCY)
    first, second = await asyncio.gather(one(), two())
    total = await asyncio.to_thread(crunch, first)
    flag = True
    return [limit("5/minute"), total]
# END SOLUTION


def given():
    return LATENCY + 1
'''


@cache
def mutants_by_operator(source: str = SAMPLE) -> dict[str, list[Mutant]]:
    found: dict[str, list[Mutant]] = {}
    for mutant in mutation.make_mutants(source):
        found.setdefault(mutant.operator, []).append(mutant)
    return found


def descriptions(operator: str) -> list[str]:
    return [m.description for m in mutants_by_operator()[operator]]


def test_the_mutator_makes_every_kind_the_course_cares_about():
    found = mutants_by_operator()
    assert set(found) == {"drop-await", "drop-async", "sync-sleep", "sequential-gather", "unthread", "status-code",
                          "drop-dependency", "drop-scopes", "drop-keyword", "drop-element", "drop-entry",
                          "flip-compare", "swap-boolop", "drop-not", "flip-bool", "number", "string",
                          "string-number", "delete-stmt", "return-none", "drop-decorator"}
    assert "`await asyncio.sleep(LATENCY)` -> `time.sleep(LATENCY)`" in descriptions("sync-sleep")
    assert "`await asyncio.gather(one(), two())` -> `[await one(), await two()]`" in descriptions("sequential-gather")
    assert "`await asyncio.to_thread(crunch, first)` -> `crunch(first)`" in descriptions("unthread")
    assert "`async def items` -> `def items`" in descriptions("drop-async")
    assert set(descriptions("status-code")) == {"`status.HTTP_401_UNAUTHORIZED` -> `status.HTTP_403_FORBIDDEN`",
                                                "`404` -> `200`"}
    dependencies = descriptions("drop-dependency")
    assert "`Annotated[str, Depends(scheme)]` -> `str`" in dependencies
    assert "`Depends(current)` -> `None`" in dependencies
    assert "`[Depends(current), Depends(audit_me)]` -> `[Depends(audit_me)]`" in dependencies
    assert descriptions("drop-scopes") == ["`Security(...)` without `scopes=['read', 'write']`"]
    keywords = descriptions("drop-keyword")
    assert "`jwt.decode(...)` without `algorithms=['HS256', 'HS384']`" in keywords
    assert "`HTTPException(...)` without `headers={'WWW-Authenticate': 'Bearer', 'X-Why': 'bad'}`" in keywords
    assert "`{'WWW-Authenticate': 'Bearer', 'X-Why': 'bad'}` -> `{'X-Why': 'bad'}`" in descriptions("drop-entry")
    assert set(descriptions("flip-compare")) == {"`claims.get('n', 0) > 3` -> `claims.get('n', 0) <= 3`",
                                                 "`claims.get('n', 0) > 3` -> `claims.get('n', 0) >= 3`"}
    assert "`'5/minute'` -> `'5/hour'`" in descriptions("string-number")
    assert "`'5/minute'` -> `'4/minute'`" in descriptions("string-number")
    assert "`True` -> `False`" in descriptions("flip-bool")
    assert any(d.startswith("deleted `raise HTTPException(") for d in descriptions("delete-stmt"))
    assert "`return claims` -> `return None`" in descriptions("return-none")
    assert "removed decorator `@app.get('/items', status_code=404)`" in descriptions("drop-decorator")


def test_only_the_answer_is_mutated_and_every_mutant_is_new_python():
    mutants = mutation.make_mutants(SAMPLE)
    answer = mutation.solution_lines(SAMPLE)
    assert all(m.line in answer for m in mutants)
    assert not any("Docstrings" in m.description or "LATENCY + 1" in m.description for m in mutants)
    original = ast.unparse(ast.parse(SAMPLE))
    assert len({m.source for m in mutants}) == len(mutants) and original + "\n" not in {m.source for m in mutants}
    assert all(mutation.is_valid(m) for m in mutants if m.operator != "drop-async")
    sync = next(m for m in mutants if m.operator == "sync-sleep")
    assert "import time" in sync.source and mutation.is_valid(sync)


def test_dropping_async_from_a_function_that_awaits_is_invalid():
    mutant = next(m for m in mutation.make_mutants(SAMPLE) if m.operator == "drop-async")
    assert not mutation.is_valid(mutant)


def test_a_module_without_markers_is_mutated_whole_but_its_docstrings():
    source = '"""doc"""\ndef f(x):\n    """doc"""\n    return x > 1\n'
    assert mutation.solution_lines(source) is None
    assert {m.operator for m in mutation.make_mutants(source)} == {"flip-compare", "number", "return-none"}


def test_mutant_ids_are_stable_and_survive_a_line_moving():
    first = mutation.make_mutants(SAMPLE)
    assert [m.id for m in first] == [m.id for m in mutation.make_mutants(SAMPLE)]
    assert len({m.id for m in first}) == len(first)
    moved = mutation.make_mutants(SAMPLE.replace("LATENCY = 1.0\n", "LATENCY = 1.0\nOTHER = 2\n"))
    assert [m.key for m in moved] == [m.key for m in first]
    assert [m.line for m in moved] == [m.line + 1 for m in first]
    reason = records.equivalence(moved[0], {first[0].id: "same meaning"})
    assert reason == "same meaning"


def test_markers_match_the_builder():
    assert (mutation.BEGIN.pattern, mutation.END.pattern) == (build.BEGIN.pattern, build.END.pattern)


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


def test_the_engine_kills_survives_and_honours_equivalents(tmp_path):
    """async01 with an unused line in its answer: the suite cannot see that line's mutants."""
    solution = (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8")
    padded = solution.replace("    return {\"profile\"", "    note = \"gathered\"\n    return {\"profile\"")
    assert padded != solution
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / ITEM.filename).write_text(padded, encoding="utf-8")
    mutants = mutation.make_mutants(padded)
    chosen = {next(m.id for m in mutants if m.operator == "return-none"),
              next(m.id for m in mutants if m.operator == "delete-stmt" and "note" in m.description),
              next(m.id for m in mutants if m.operator == "string" and "gathered" in m.description)}
    equivalent = next(m for m in mutants if m.id in chosen and m.operator == "string")
    equivalents = tmp_path / "eq.toml"
    equivalents.write_text(f'[{ITEM.id}]\n"{equivalent.id}" = "note is never read"\n"number:L1:00000000" = "gone"\n',
                           encoding="utf-8")
    [found] = runner.audit([ITEM], workers=2, limits=SLOW_MACHINE, equivalents_path=equivalents,
                          solutions=tmp_path / "solutions", only=lambda m: m.id in chosen)
    assert not found.control
    by_operator = {o.mutant.operator: o for o in found.outcomes}
    assert by_operator["return-none"].killed and by_operator["return-none"].how
    assert [o.mutant.operator for o in found.survivors] == ["delete-stmt"]
    assert [o.equivalent for o in found.equivalent] == ["note is never read"]
    assert found.stale == ["number:L1:00000000"]
    assert (found.total, found.killed, found.score, found.passed) == (3, 1, 0.5, False)


def fake_audit(item_id: str, killed: int, survived: int, equivalent: int = 0, invalid: int = 0) -> ItemAudit:
    found = ItemAudit(COURSE.item(item_id), records.fingerprint(COURSE.item(item_id)), seconds=1.0)

    def mutant(n: int, operator: str) -> Mutant:
        return Mutant(f"{operator}:L{n}:{n:08x}", operator, n, f"change {n}", "")

    n = 0
    for kind, count in (("killed", killed), ("survived", survived), ("equivalent", equivalent), ("invalid", invalid)):
        for _ in range(count):
            n += 1
            found.outcomes.append(Outcome(mutant(n, "number"), killed=kind in ("killed", "invalid"),
                                          invalid=kind == "invalid",
                                          equivalent="same" if kind == "equivalent" else None))
    return found


@pytest.fixture
def cli(monkeypatch, tmp_path):
    """The audit command with prepared results (no grading) and a baseline under tmp_path."""
    planned: dict[str, ItemAudit] = {}
    graded: list[list[str]] = []

    def prepared(items, **kwargs):
        graded.append([i.id for i in items])
        return [planned[i.id] for i in items]

    monkeypatch.setattr(runner, "audit", prepared)
    monkeypatch.setattr(records, "BASELINE", tmp_path / "baseline.json")
    cli_runner = CliRunner()

    def invoke(*args):
        return cli_runner.invoke(app, ["audit", "-q", *args], catch_exceptions=False)

    invoke.planned, invoke.graded = planned, graded
    return invoke


def test_below_target_exits_1_and_lists_the_survivors(cli):
    cli.planned["async01_why_async"] = fake_audit("async01_why_async", killed=9, survived=1, equivalent=2)
    cli.planned["auth05_jwt_dependency"] = fake_audit("auth05_jwt_dependency", killed=8, survived=2, invalid=1)
    result = cli("async01_why_async", "auth05_jwt_dependency", "--record")
    assert result.exit_code == 1, result.output
    assert "90%" in result.output and "80% ✗" in result.output
    assert "auth05_jwt_dependency: 2 survivor(s)" in result.output
    assert "number:L9:00000009  line 9: change 9" in result.output
    assert "total" in result.output and result.output.rstrip().endswith("audit: 1 passed, 1 failed")
    assert not records.BASELINE.exists(), "a failing run records nothing"


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


def test_unknown_item_is_one_line(cli):
    result = cli("no_such_item")
    assert result.exit_code == 2 and "unknown item" in result.output


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
