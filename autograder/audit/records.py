"""The audit's records: the equivalents file and the baseline of audited fingerprints.

Both live with the course content (``autograder/course/``), not among the grader's modules.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from autograder.audit.mutants import MUTATOR_VERSION, Mutant
from autograder.manifest import Item
from autograder.paths import COURSE, PACKAGE, SOLUTIONS, suite_file

KIT = PACKAGE / "kit"  # what suites are written with
EQUIVALENTS = COURSE / "equivalents.toml"
BASELINE = COURSE / "baseline.json"


class AuditError(Exception):
    """The audit cannot run as asked (one readable line)."""


def load_equivalents(path: Path | None = None) -> dict[str, dict[str, str]]:
    """``{item id: {mutant id: reason}}`` from the equivalents file (empty when it is absent)."""
    path = path or EQUIVALENTS
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AuditError(f"{path.name}: {exc}") from None
    table: dict[str, dict[str, str]] = {}
    for item_id, entries in data.items():
        if not isinstance(entries, dict) or not all(isinstance(v, str) and v.strip() for v in entries.values()):
            raise AuditError(f"{path.name}: [{item_id}] must map mutant ids to a one-line reason each")
        table[item_id] = dict(entries)
    return table


def equivalence(mutant: Mutant, entries: dict[str, str]) -> str | None:
    """The recorded reason when ``mutant`` is listed (by id, or by operator and hash if its line moved)."""
    if mutant.id in entries:
        return entries[mutant.id]
    for entry, reason in entries.items():
        parts = entry.split(":")
        if len(parts) == 3 and (parts[0], parts[2]) == mutant.key:
            return reason
    return None


def fingerprint(item: Item, equivalents: dict[str, dict[str, str]] | None = None,
                solutions: Path | None = None, kit: Path | None = None) -> str:
    """What the audit of ``item`` depends on: its solution, hidden suite, equivalents, the mutator.

    And the whole suite kit: nearly every suite imports it, and a probe or fixture made
    weaker there weakens suites whose own text did not change. A kit change therefore
    re-audits every item (23 minutes on two cores, within CI's budget).
    """
    equivalents = load_equivalents() if equivalents is None else equivalents
    digest = hashlib.sha256(f"mutator {MUTATOR_VERSION}\0".encode())
    kit_files = sorted((kit or KIT).rglob("*.py"))
    for path in ((solutions or SOLUTIONS) / item.filename, suite_file(item.id, "hidden"), *kit_files):
        digest.update(path.read_bytes() if path.is_file() else b"missing")
        digest.update(b"\0")
    digest.update(json.dumps(equivalents.get(item.id, {}), sort_keys=True).encode())
    return digest.hexdigest()


def load_baseline(path: Path | None = None) -> dict[str, dict]:
    path = path or BASELINE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data["items"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AuditError(f"{path.name} is not an audit baseline ({exc})") from None


def changed(items: list[Item], path: Path | None = None, equivalents_path: Path | None = None) -> list[Item]:
    """The items whose fingerprint differs from the recorded baseline (or that it lacks)."""
    baseline = load_baseline(path)
    equivalents = load_equivalents(equivalents_path)
    return [item for item in items if baseline.get(item.id, {}).get("fingerprint") != fingerprint(item, equivalents)]


def pending(items: list[Item], path: Path | None = None) -> list[Item]:
    """The items the baseline holds as not audited yet, with their fingerprint unchanged."""
    baseline = load_baseline(path)
    equivalents = load_equivalents()
    return [item for item in items if baseline.get(item.id, {}).get("audited") is False
            and baseline[item.id].get("fingerprint") == fingerprint(item, equivalents)]


def record(entries: dict[str, dict], path: Path | None = None) -> None:
    """Write items' entries (``{item id: entry}``) into the baseline; the other items' are kept.

    An audited item's entry comes from the runner
    (:meth:`autograder.audit.runner.ItemAudit.baseline_entry`): the records only keep
    entries, and so never import the runner, which reads them.
    """
    path = path or BASELINE
    baseline = load_baseline(path)
    baseline.update(entries)
    data = {"version": 1, "mutator": MUTATOR_VERSION,
            "note": "written by `workbook audit --record` (and --pending); `workbook audit --changed` audits "
                    "the items whose fingerprint differs from theirs here. \"audited\": false marks an item "
                    "recorded before its first audit",
            "items": dict(sorted(baseline.items()))}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def record_pending(items: list[Item], path: Path | None = None) -> None:
    """Record items as not audited yet: ``--changed`` leaves them alone until they change."""
    equivalents = load_equivalents()
    record({item.id: {"fingerprint": fingerprint(item, equivalents), "audited": False} for item in items}, path)
