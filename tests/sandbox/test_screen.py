"""The static screen: zero findings on honest answers, the exact finding on each hostile construct.

Every honest file the project has (reference solutions, stubs, samples, source answers)
must screen clean: a false flag costs an instructor's review and teaches them to ignore
flags. Each rule then has small hostile snippets, with alias and obfuscation variants,
whose exact findings (line and rule) are pinned.
"""

from __future__ import annotations

import ast
import os
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.grading.submissions import MAX_FILE_BYTES
from autograder.paths import EXERCISES, SOLUTIONS
from autograder.sandbox import screen as screen_module
from autograder.sandbox.screen import RULES, Finding, screen, screen_file
from tests.support.hostile import submission_text

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parents[1] / "data"
HONEST = sorted([*SOLUTIONS.glob("*.py"), *EXERCISES.glob("*.py"), *(ROOT / "samples").rglob("*.py"),
                 *(DATA / "source_answers").glob("*.py")])


def found(source: str) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in screen(textwrap.dedent(source))]


# -- zero false flags ----------------------------------------------------------------


@pytest.mark.parametrize("path", HONEST, ids=lambda p: str(p.relative_to(ROOT)))
def test_honest_file_screens_clean(path):
    assert [str(f) for f in screen_file(path)] == []


def test_every_kind_of_honest_file_is_screened(capsys):
    kinds = {p.relative_to(ROOT).parts[0] if p.parts[-3:-1] != ("data", "source_answers") else "source_answers"
             for p in HONEST}
    assert kinds == {"solutions", "exercises", "samples", "source_answers"}
    findings = sum(len(screen_file(p)) for p in HONEST)
    with capsys.disabled():
        print(f"\nscreened {len(HONEST)} honest files: {findings} findings")
    assert len(HONEST) >= 80 and findings == 0


# -- each rule, with alias and obfuscation variants ------------------------------------

CASES = {
    # frame access
    "getframe": ("import sys\nsys._getframe()\n", [(2, "frame-access")]),
    "getframe_module_alias": ("import sys as s\nf = s._getframe(1)\n", [(2, "frame-access")]),
    "getframe_from_import_alias": ("from sys import _getframe as g\ng()\n", [(1, "frame-access"), (2, "frame-access")]),
    "currentframe": ("from inspect import currentframe\n", [(1, "frame-access")]),
    "inspect_stack": ("import inspect\nx = 1\nfor info in inspect.stack():\n    pass\n", [(3, "frame-access")]),
    "current_frames": ("import sys\nframes = sys._current_frames()\n", [(2, "frame-access")]),
    "getattr_constant": ('import sys\ngetattr(sys, "_getframe")()\n', [(2, "frame-access")]),
    "getattr_split_name": ('import sys\ngetattr(sys, "_get" + "frame")()\n',
                           [(2, "dynamic-attribute"), (2, "frame-access")]),
    "dunder_import": ('__import__("sys")._getframe()\n', [(1, "frame-access")]),
    "import_module": ('import importlib\nimportlib.import_module("inspect").currentframe()\n', [(2, "frame-access")]),
    "f_back_anywhere": ("def f(frame):\n    return frame.f_back.f_locals\n", [(2, "frame-access")]),
    "traceback_frame": ("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    t = e.__traceback__.tb_frame\n",
                        [(4, "frame-access")]),
    "generator_frame": ("def g():\n    yield\nx = g().gi_frame\n", [(3, "frame-access")]),
    "hasattr_frame_attr": ('def f(o):\n    return getattr(o, "f_globals")\n', [(2, "frame-access")]),
    "getattribute": ('import sys\nobject.__getattribute__(sys, "_getframe")()\n', [(2, "frame-access")]),
    "reexported_sys": ("import os\nos.sys._getframe()\n", [(2, "frame-access")]),
    "reexported_modules": ("import inspect\ninspect.sys.modules.clear()\n", [(2, "sys-modules")]),
    "walk_stack": ("import traceback\nlist(traceback.walk_stack(None))\n", [(2, "frame-access")]),
    # introspection
    "code_object": ("def f():\n    pass\nc = f.__code__\n", [(3, "introspection")]),
    "subclasses_walk": ("x = ().__class__.__base__.__subclasses__()\n", [(1, "introspection")]),
    "function_globals": ("def f():\n    pass\ng = f.__globals__\n", [(3, "introspection")]),
    "closure": ("def f():\n    pass\nc = f.__closure__\n", [(3, "introspection")]),
    "mro_walk": ("x = int.__mro__[-1]\n", [(1, "introspection")]),
    "module_dict": ('import json\njson.__dict__["dumps"]\n', [(2, "introspection")]),
    "vars_of_module": ("import fastapi\nvars(fastapi)\n", [(2, "introspection")]),
    # sys.modules
    "sys_modules_write": ('import sys, types\nsys.modules["fastapi"] = types.ModuleType("x")\n', [(2, "sys-modules")]),
    "sys_modules_get": ('import sys\nm = sys.modules.get("autograder")\n', [(2, "sys-modules")]),
    "sys_modules_iterate": ("import sys\nfor name in list(sys.modules):\n    pass\n", [(2, "sys-modules")]),
    "sys_modules_from_import": ("from sys import modules as mods\nmods.clear()\n",
                                [(1, "sys-modules"), (2, "sys-modules")]),
    "sys_modules_star": ('from sys import *\nmodules["x"] = None\n', [(2, "sys-modules")]),
    # tracing
    "settrace": ("import sys\nsys.settrace(None)\n", [(2, "tracing")]),
    "setprofile_alias": ("import sys\nsp = sys.setprofile\nsp(None)\n", [(2, "tracing"), (3, "tracing")]),
    "audithook": ("import sys\nsys.addaudithook(print)\n", [(2, "tracing")]),
    "threading_settrace": ("import threading\nthreading.settrace(print)\n", [(2, "tracing")]),
    # memory
    "gc": ("import gc\n", [(1, "memory")]),
    "gc_dunder_import": ('objs = __import__("gc").get_objects()\n', [(1, "memory")]),
    "ctypes_import_module": ('import importlib as il\nil.import_module("ctypes")\n', [(2, "memory")]),
    "ctypes_submodule": ("from ctypes.util import find_library\n", [(1, "memory")]),
    "cffi": ("import cffi\n", [(1, "memory")]),
    # processes
    "posixsubprocess": ("import _posixsubprocess\n", [(1, "process")]),
    "subprocess_from": ("from subprocess import run\n", [(1, "process")]),
    "os_fork": ("import os\npid = os.fork()\n", [(2, "process")]),
    "os_exec_alias": ("from os import execv as go\ngo('/bin/true', [])\n", [(1, "process"), (2, "process")]),
    "os_spawn": ("import os\nos.spawnlp(os.P_WAIT, 'true', 'true')\n", [(2, "process")]),
    "os_system": ("import os\nos.system('true')\n", [(2, "process")]),
    "os_posix_spawn": ("import os\nos.posix_spawn('/bin/true', [], {})\n", [(2, "process")]),
    "os_kill": ("import os\nos.kill(os.getppid(), 0)\n", [(2, "process")]),
    "signal": ("import signal\n", [(1, "process")]),
    "multiprocessing": ("from multiprocessing import Process\n", [(1, "process")]),
    "pty": ("import pty\n", [(1, "process")]),
    "asyncio_subprocess": ("import asyncio\nasync def f():\n    await asyncio.create_subprocess_exec('true')\n",
                           [(3, "process")]),
    "resource": ("import resource\n", [(1, "limits")]),
    "_thread": ("import _thread\n", [(1, "low-level-thread")]),
    "socket": ("import socket\n", [(1, "network")]),
    "os_write": ("import os\nos.write(3, b'x')\n", [(2, "file-descriptor")]),
    # dynamic code and imports
    "exec_computed": ("code = 'x = 1'\nexec(code)\n", [(2, "dynamic-code")]),
    "eval_computed": ("def f(s):\n    return eval(s)\n", [(2, "dynamic-code")]),
    "compile_computed": ("src = open('a.py').read()\ncompile(src, 'a', 'exec')\n", [(2, "dynamic-code")]),
    "exec_alias": ("run = exec\nrun('x' + 'y')\n", [(2, "dynamic-code")]),
    "exec_via_builtins": ("import builtins\nbuiltins.eval(input())\n", [(2, "dynamic-code")]),
    "code_type": ("import types\nt = types.CodeType\n", [(2, "dynamic-code")]),
    "runpy": ("import runpy\n", [(1, "dynamic-code")]),
    "dunder_import_computed": ("name = 'g' + 'c'\nm = __import__(name)\n", [(2, "dynamic-import")]),
    "import_module_computed": ("from importlib import import_module\nimport_module(''.join(['g', 'c']))\n",
                               [(2, "memory")]),  # the joined name is folded: it is gc
    "spec_from_file": ("import importlib.util\nimportlib.util.spec_from_file_location('m', 'm.py')\n",
                       [(2, "dynamic-import")]),
    # computed attribute names on imports
    "getattr_computed": ("import fastapi\ndef f(n):\n    return getattr(fastapi, n)\n", [(3, "dynamic-attribute")]),
    "setattr_computed": ("import pytest\ndef f(n, v):\n    setattr(pytest, n, v)\n",
                         [(3, "dynamic-attribute"), (3, "patch")]),
    # builtins
    "builtins_assign": ("import builtins\nbuiltins.print = lambda *a: None\n", [(2, "builtins")]),
    "builtins_setattr": ("import builtins as b\nsetattr(b, 'len', lambda x: 0)\n", [(2, "builtins")]),
    "dunder_builtins": ("__builtins__['open'] = None\n", [(1, "builtins")]),
    "globals_builtins": ("globals()['__builtins__'].open = None\n", [(1, "builtins")]),
    "builtins_dict": ("import builtins\nbuiltins.__dict__['len'] = None\n", [(2, "builtins")]),
    # patching imports
    "patch_testclient": ("import fastapi.testclient\nfastapi.testclient.TestClient.request = lambda *a: None\n",
                         [(2, "patch")]),
    "patch_pytest_approx": ("import pytest\npytest.approx = lambda *a, **k: True\n", [(2, "patch")]),
    "patch_starlette_class": ("from starlette.testclient import TestClient\nTestClient.get = None\n", [(2, "patch")]),
    "patch_json": ("import json\njson.dumps = str\n", [(2, "patch")]),
    "patch_asyncio_sleep": ("import asyncio\nasync def fast(_):\n    pass\nasyncio.sleep = fast\n", [(4, "patch")]),
    "patch_alias_chain": ("from fastapi.testclient import TestClient\nTC = TestClient\nT2 = TC\nT2.request = print\n",
                          [(4, "patch")]),
    "patch_alias_after_use": ("def later():\n    TC.request = print\nfrom fastapi.testclient import TestClient as TC\n",
                              [(2, "patch")]),
    "patch_global_alias": ("import json\ndef f():\n    global J\n    J = json\nJ.loads = str\n", [(5, "patch")]),
    "patch_tuple_alias": ("import json, os\na, b = json, os\na.dumps = str\n", [(3, "patch")]),
    "patch_delete": ("import json\ndel json.dumps\n", [(2, "patch")]),
    "patch_augassign": ("import pytest\npytest.x += 1\n", [(2, "patch")]),
    "patch_dunder_setattr": ("import json\nobject.__setattr__(json, 'dumps', str)\n", [(2, "patch")]),
    "patch_walrus": ("import json\n(j := json).dumps = str\n", [(2, "patch")]),
    # the grader's files
    "open_suites": ("open('autograder/course/suites/hidden/test_x.py').read()\n", [(1, "grader-path")]),
    "open_proc": ("import os\nfd = os.open('/proc/self/mem', os.O_RDONLY)\n", [(2, "grader-path")]),
    "path_solutions": ("from pathlib import Path\np = Path('..') / 'solutions'\n", [(2, "grader-path")]),
    "fstring_proc": ("import os\ndef f(pid):\n    return os.readlink(f'/proc/{pid}/exe')\n", [(3, "grader-path")]),
    "git": ("from pathlib import Path\nPath('.git/config').read_text()\n", [(2, "grader-path")]),
    "grader_import": ("from autograder.kit import checks\n", [(1, "grader-import")]),
    "pytest_internals": ("import _pytest.reports\n", [(1, "grader-import")]),
    "pluggy": ("import pluggy\n", [(1, "grader-import")]),
    # reading source
    "linecache": ("import linecache\n", [(1, "source")]),
    "getsource": ("import inspect\ninspect.getsource(inspect)\n", [(2, "source")]),
}


@pytest.mark.parametrize("source,expected", CASES.values(), ids=CASES.keys())
def test_hostile_construct_gets_its_exact_finding(source, expected):
    assert found(source) == expected


def test_every_rule_has_a_hostile_case():
    covered = {rule for _, expected in CASES.values() for _, rule in expected}
    assert covered | {"unscreenable"} == set(RULES)


def test_finding_reads_as_a_review_line():
    (finding,) = screen("import sys\n\n\n\n\n\n\n\n\n\n\nsys._getframe()\n")
    assert finding == Finding(12, "frame-access", "reads the call stack (sys._getframe)")
    assert str(finding) == "review: line 12 reads the call stack (sys._getframe)"


HONEST_LOOKALIKES = {
    "constant_exec": "exec('x = 1')\neval('1 + 1')\n",
    "constant_import": "m = __import__('json')\n",
    "threading": "import threading\nthreading.Thread(target=print).start()\n",
    "os_environ": "import os\nos.environ['X'] = '1'\nURL = os.environ.get('DATABASE_URL')\n",
    "setattr_on_own_objects": "def update(task, data):\n    for k, v in data.items():\n        setattr(task, k, v)\n",
    "getattr_state": "def f(request):\n    return getattr(request.state, 'user', None)\n",
    "app_state": "from fastapi import FastAPI\napp = FastAPI()\napp.state.limiter = 1\n",
    "parameter_shadows_import": "import json\ndef f(json):\n    json.x = 1\n",
    "local_shadows_import": "from fastapi import status\ndef f():\n    status = Obj()\n    status.code = 1\n",
    "instance_of_imported_class": "from fastapi import FastAPI\napp = FastAPI()\napp.title = 'x'\n",
    "self_attributes": "class A:\n    def __init__(self):\n        self.x = 1\n",
    "route_named_like_grader": ("from fastapi import FastAPI\napp = FastAPI()\n"
                                "@app.get('/suites/{n}')\ndef s(n: int):\n    return {'n': n}\n"),
    "own_dict": "class A:\n    pass\nd = A().__dict__\n",
    "boto_like_resource": "import boto3\ns3 = boto3.resource('s3')\n",
    "syntax_error": "def broken(:\n",
}


@pytest.mark.parametrize("source", HONEST_LOOKALIKES.values(), ids=HONEST_LOOKALIKES.keys())
def test_honest_lookalike_is_not_flagged(source):
    assert screen(source) == []


# -- the hostile corpus ----------------------------------------------------------------

# Which snippets of tests/data/hostile/ the screen flags, and with which rules. The
# others (endless loops, memory bombs, sys.exit, writes through open()) are not
# constructs of their own: the time and kernel limits and the audit hook handle them.
HOSTILE_FLAGGED = {
    "builtin_patched_during_request": {"builtins", "frame-access"},
    "canary_by_code_object": {"grader-import", "introspection", "patch"},
    "ctypes_memory": {"memory"},
    "dir_fd_suites": {"grader-import"},
    "event_flood": {"file-descriptor"},
    "exceptions_swallowed_in_reporter": {"patch"},
    "fake_result_in_pipe": {"file-descriptor"},
    "forged_result_for_running_test": {"file-descriptor"},
    "fork_in_handler": {"process"},
    "fork_storm": {"process"},
    "gc_walk": {"memory"},
    "git_objects": {"grader-import", "grader-path"},
    "hardlink_solution": {"grader-import"},
    "inspect_suite_source": {"frame-access", "source"},
    "kit_module_patched": {"grader-import", "patch"},
    "linecache_suite": {"grader-import", "source"},
    "list_suites": {"grader-import"},
    "machine_loopback_listener": {"network"},
    "many_small_flags": {"file-descriptor"},
    "mariadb_unix_socket_as_root": {"network"},
    "megabyte_flag_frames": {"file-descriptor"},
    "os_exit_at_import": {"process"},
    "os_exit_in_handler": {"process"},
    "partial_frame_at_import": {"file-descriptor"},
    "partial_frame_in_handler": {"file-descriptor"},
    "patch_hook_via_frames": {"frame-access"},
    "patch_pytest_report": {"grader-import", "patch"},
    "pidfd_signal_grader": {"process"},
    "posixsubprocess_fork_exec": {"process"},
    "probe_peak_forgery": {"introspection"},
    "proc_parent_memory": {"grader-path"},
    "raise_limits": {"limits"},
    "read_other_students": {"dynamic-code"},
    "read_solution": {"dynamic-code", "grader-import"},
    "read_suites": {"grader-import"},
    "recursive_import": {"dynamic-code"},
    "redis_flushall": {"network"},
    "replace_code": {"grader-import", "introspection", "patch"},
    "replace_fastapi_module": {"sys-modules"},
    "response_json_patched": {"patch"},
    "screen_alias_cycle_dos": {"unscreenable"},
    "setsid_then_fork": {"process"},
    "settrace": {"tracing"},
    "signal_parent": {"process"},
    "socket_beyond_loopback": {"network"},
    "solutions_symlink": {"grader-import"},
    "subprocess_caught": {"process"},
    "suite_globals_replaced": {"sys-modules"},
    "testclient_request_patched": {"patch"},
    "unix_socket_postgres": {"network"},
}
HOSTILE = sorted((DATA / "hostile").glob("*.py"))


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_corpus_snippet(path):
    snippet = "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[2:])  # two header lines
    assert {f.rule for f in screen(snippet)} == HOSTILE_FLAGGED.get(path.stem, set())


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_corpus_submission(path):
    """As graded: the snippet inside the solution or stub, at import or in a route; the base adds nothing."""
    _, text = submission_text(path)
    assert {f.rule for f in screen(text)} == HOSTILE_FLAGGED.get(path.stem, set())


def test_hostile_corpus_flags_are_all_known_cases():
    assert set(HOSTILE_FLAGGED) <= {p.stem for p in HOSTILE}


# -- hostile input never breaks the screen ---------------------------------------------

UNSCREENABLE = [Finding(1, "unscreenable", "could not be screened (too deep or too large); review by hand")]


def test_deep_expression_gives_one_unscreenable_finding():
    assert screen("x = a" + ".b" * 100_000 + "\n") == UNSCREENABLE  # RecursionError in the parser


def test_parser_stack_overflow_gives_one_unscreenable_finding():
    assert screen("x = " + "-" * 100_000 + "1\n") == UNSCREENABLE  # MemoryError in the parser


def test_tree_too_deep_for_the_screen_gives_one_unscreenable_finding(monkeypatch):
    # A tree the parser could build but the screen's visit cannot walk: built directly,
    # so the test does not depend on where the parser's own limit lies.
    deep: ast.expr = ast.Name("x", ast.Load())
    for _ in range(sys.getrecursionlimit() * 2):
        deep = ast.UnaryOp(ast.USub(), deep)
    tree = ast.Module([ast.Expr(deep, lineno=1, col_offset=0)], [])
    monkeypatch.setattr(screen_module.ast, "parse", lambda _: tree)
    assert screen("-x\n") == UNSCREENABLE


def test_memory_error_while_parsing_gives_one_unscreenable_finding(monkeypatch):
    def out_of_memory(_):
        raise MemoryError
    monkeypatch.setattr(screen_module.ast, "parse", out_of_memory)
    assert screen("import gc\n") == UNSCREENABLE


def test_tangled_aliases_give_one_unscreenable_finding(monkeypatch):
    monkeypatch.setattr(screen_module, "_RESOLVE_BUDGET", 50)
    source = "".join(f"a{n} = a{n + 1}\n" for n in range(100)) + "a0.x = 1\n"
    assert screen(source) == UNSCREENABLE


def test_cyclic_aliases_resolve():
    assert found("import json\na = b\nb = a\nb = json\na.dumps = str\n") == [(5, "patch")]
    assert found("a = b\nb = a\na.x = 1\n") == []


@pytest.mark.parametrize("source", ["x = 1\0\n", "\ud800 = 1\n", "def f(:\n", "", "\n" * 1000, "# só comentário\n"])
def test_unparsable_or_odd_text_screens_clean(source):
    assert screen(source) == []


def test_long_file_is_screened():
    source = "import json\n" + "x = json.loads('1')\n" * 10_000 + "json.dumps = str\n"
    assert found(source) == [(10_002, "patch")]


# -- screen_file: read like Python would, never raise ----------------------------------


def test_screen_file_honours_the_encoding_cookie(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nS = 'é'\nimport gc\n".encode("latin-1"))
    assert [(f.line, f.rule) for f in screen_file(path)] == [(3, "memory")]


def test_screen_file_handles_a_bom(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfimport gc\n")
    assert [(f.line, f.rule) for f in screen_file(path)] == [(1, "memory")]


@pytest.mark.parametrize("data", [b"\xff\xfe import gc\n", b"# coding: nonsense\nimport gc\n",
                                  b"# coding: utf-8\n\xff\nimport gc\n", b"import gc\0\n"])
def test_screen_file_undecodable_or_unparsable_is_clean(tmp_path, data):
    path = tmp_path / "odd.py"
    path.write_bytes(data)
    assert screen_file(path) == []


def test_screen_file_reads_at_most_the_grader_limit(tmp_path):
    small, large = tmp_path / "small.py", tmp_path / "large.py"
    small.write_bytes(b"import gc\n" + b"#" * (MAX_FILE_BYTES - 20) + b"\n")
    large.write_bytes(b"import gc\n" + b"#" * MAX_FILE_BYTES + b"\n")
    assert [f.rule for f in screen_file(small)] == ["memory"]
    assert screen_file(large) == []  # the grader refuses it; nothing to screen


def test_screen_file_never_raises_on_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    link = tmp_path / "link.py"
    link.symlink_to(tmp_path / "missing.py")
    assert screen_file(fifo) == []  # would block a plain open()
    assert screen_file(tmp_path) == []
    assert screen_file(tmp_path / "missing.py") == []
    assert screen_file(link) == []
    assert screen_file("bad\0path") == []


def test_the_screens_size_cap_is_the_submissions():
    from autograder.grading import submissions
    from autograder.sandbox import screen

    assert screen.MAX_FILE_BYTES == submissions.MAX_FILE_BYTES
