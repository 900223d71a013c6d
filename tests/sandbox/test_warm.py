"""The fork server: started before the CLI's imports, and the only process that pays for
FastAPI, pytest and the program's main module (autograder.sandbox.warm, autograder.__main__)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from autograder.paths import ROOT


def run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("argv", "started"), [(["check", "no_such_item"], True), (["progress", "--help"], False),
                                               (["list"], False)])
def test_the_entry_point_starts_the_fork_server_before_it_imports_the_cli(argv, started):
    done = run("""
        import sys
        from autograder.sandbox import warm
        seen = []
        warm.start = lambda: seen.append(sorted(m for m in ("autograder.cli", "typer", "rich") if m in sys.modules))
        from autograder.__main__ import main
        try:
            main()
        except SystemExit:
            pass
        print("first start:", seen[0] if seen else None, file=sys.stderr)
    """, *argv)
    # The commands that grade start the server first, with neither the CLI, typer nor Rich
    # imported yet (the command itself asks again later, which changes nothing); --help
    # and the other commands start nothing.
    assert done.stderr.strip().splitlines()[-1] == ("first start: []" if started else "first start: None"), \
        done.stderr


def test_the_grader_imports_neither_fastapi_nor_the_kit():
    done = run("""
        import sys
        import autograder.cli, autograder.student.check, autograder.sandbox.engine
        import autograder.grading.batch, autograder.student.progress
        print(sorted(m for m in ("fastapi", "starlette", "httpx", "pydantic", "autograder.kit", "autograder.preload")
                     if m in sys.modules))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_entry_module_imports_nothing_a_worker_would_pay_for():
    """multiprocessing runs the program's main module again in every worker it starts (the
    fork server's "__main__" preload does not take on Python 3.11): the `workbook` script
    must therefore import only this small module, not the CLI."""
    done = run("""
        import sys
        before = set(sys.modules)
        import autograder.__main__
        print(sorted(set(sys.modules) - before))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['autograder', 'autograder.__main__']"


def test_the_fork_server_imports_the_graders_own_package_whatever_folder_it_starts_in(tmp_path):
    """On Python 3.11 the fork server starts with ``python -c`` and does not take its
    parent's ``sys.path``: the folder the command runs in comes first, so a folder holding
    another ``autograder`` (a second checkout; a submission folder named so) had the server
    import that one's ``preload``, unsandboxed, and every worker crash. The decoy here
    leaves a mark if it is ever imported."""
    decoy = tmp_path / "autograder"
    decoy.mkdir()
    mark = tmp_path / "decoy-imported"
    (decoy / "__init__.py").write_text(f"open({str(mark)!r}, 'w').close()\n", encoding="utf-8")
    (decoy / "preload.py").write_text("", encoding="utf-8")
    script = tmp_path / "bin" / "grade.py"  # a script elsewhere, as the `workbook` command is
    script.parent.mkdir()
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from autograder import manifest
        from autograder.sandbox import engine, warm
        if __name__ == "__main__":  # each worker runs this script again, as __mp_main__
            warm.start()
            item = manifest.load().item("async01_why_async")
            result = engine.grade_item(item, Path({str(ROOT / "solutions" / "async01_why_async.py")!r}))
            print(result.status, result.score)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["graded", "10.0"]
    assert not mark.exists()
