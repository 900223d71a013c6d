"""Canaries: made of the suite's own words, code and fixtures, and failing for every honest app.

The names and paths are checked directly; building and mixing need a collected suite, so a
small FastAPI suite is run by pytest in a subprocess with a plugin that mixes the canaries
in (as the grader's reporter does) and records what pytest saw.
"""

from __future__ import annotations

import json
import random
import textwrap
import types

import pytest

from autograder.sandbox import canary
from tests.support.suites import run_suite

SUITE = '''
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

app = FastAPI()


@app.get("/books/{book_id}")
def book(book_id: int):
    return {"id": book_id}


@app.get("/health")
def health():
    return {"ok": True}


@pytest.fixture
def client():
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def token():
    return "secret"


@pytest.mark.points(2)
@pytest.mark.task(1)
def test_book_answers_its_id(client, token):
    """A book is found by its id."""
    assert client.get("/books/7").json() == {"id": 7}


@pytest.mark.points(3)
@pytest.mark.task(2)
def test_health_reports_status(client):
    """The health route reports its status."""
    assert client.get("/health").json() == {"ok": True}
'''
REAL = {"test_book_answers_its_id": ((2,), (1,), "A book is found by its id."),
        "test_health_reports_status": ((3,), (2,), "The health route reports its status.")}
# Mixes the canaries in the way autograder.sandbox.plugin does, and writes down what pytest saw
# (tests.support.suites records the outcomes).
PLUGIN = '''
import json, os
from autograder.sandbox import canary

NAMES = tuple(json.loads(os.environ["CANARY_NAMES"]))
seen = {"failures": {}, "canaries": {}}


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): what the test is worth")
    config.addinivalue_line("markers", "task(n): the task")


def pytest_collection_modifyitems(session, config, items):
    template = items[0]
    seen["real_lines"] = {i.name: i.obj.__code__.co_firstlineno for i in items}
    items[:] = canary.mix([] if os.environ["CANARY_ONLY"] == "1" else items, NAMES, template)
    seen["order"] = [item.name for item in items]
    module = template.module
    seen["globals"] = [name for name in vars(module) if name.startswith("test_")]
    for item in items:
        if item.name in NAMES:
            code = item.obj.__code__
            seen["canaries"][item.name] = {
                "file": code.co_filename, "co_name": code.co_name, "line": code.co_firstlineno,
                "fixtures": sorted(item.fixturenames), "module": item.obj.__module__,
                "qualname": item.obj.__qualname__, "doc": item.obj.__doc__,
                "bound": getattr(module, item.name) is item.obj,
                "markers": [list(item.get_closest_marker(m).args) for m in ("points", "task")]}


def pytest_runtest_logreport(report):
    if report.when == "call" and report.failed:
        seen["failures"][report.nodeid.rpartition("::")[2]] = str(report.longrepr)


def pytest_sessionfinish(session):
    with open(os.environ["CANARY_OUT"], "w") as out:
        json.dump(seen, out)
'''


# --- names and paths -------------------------------------------------------------------


SUITE_NAMES = {"test_login_refuses_a_wrong_password", "test_login_answers_a_token", "test_token_expires_after_an_hour"}


@pytest.mark.parametrize("seed", range(20))
def test_names_are_made_of_the_suites_words(seed):
    words = {w for name in SUITE_NAMES for w in name.removeprefix("test_").split("_")}
    made = canary.names(SUITE_NAMES, 3, random.Random(seed))
    assert len(made) == len(set(made)) == 3
    for name in made:
        assert name.startswith("test_") and name not in SUITE_NAMES
        parts = name.removeprefix("test_").split("_")
        assert 3 <= len(parts) <= 5 and len(set(parts)) == len(parts)
        assert set(parts) <= words, name


def test_a_suite_with_few_words_borrows_test_like_ones():
    made = canary.names({"test_it_works"}, 4, random.Random(1))
    allowed = {"it", "works", *canary.VERBS, *canary.NOUNS}
    assert len(made) == 4
    assert all(set(name.removeprefix("test_").split("_")) <= allowed for name in made)


def test_numbers_and_mixed_words_are_not_used():
    existing = {"test_get_404_for_v2_books", "test_post_201_creates_v2_books", "test_delete_204_removes_books"}
    for seed in range(10):
        for name in canary.names(existing, 2, random.Random(seed)):
            assert not {"404", "201", "204", "v2"} & set(name.split("_")), name


def test_no_name_is_asked_for_none_is_made():
    assert canary.names(SUITE_NAMES, 0) == ()


def test_names_need_no_random_generator():
    assert len(canary.names(SUITE_NAMES)) == 2  # two, from the system's randomness


def test_paths_are_the_path_constants_of_the_suites_tests():
    module = types.ModuleType("suite")
    exec(textwrap.dedent('''
        def test_a(client):
            client.get("/books/7")
            client.get("/users/{user_id}/items")
            return "not a path", "/has space", "/" + "x" * 61
        def helper(client):
            client.get("/never/asked/by/a/test")
        def test_b(client):
            client.post("/books/7", json={"title": "/a-title-that-looks-like-a-path"})
        test_data = "/a/string/not/a/test"
    '''), vars(module))
    # String constants of the tests, not the requests they make: a title may count too.
    assert canary._paths(module, None) == ["/a-title-that-looks-like-a-path", "/books/7", "/users/{user_id}/items"]
    # A model test's own paths come first: its set-up is what makes its requests cheap.
    assert canary._paths(module, module.test_a) == ["/books/7", "/users/{user_id}/items"]
    assert canary._paths(module, module.helper) == ["/never/asked/by/a/test"]


def test_a_suite_that_asks_for_no_path_gets_the_root():
    module = types.ModuleType("suite")
    exec("def test_a():\n    assert 1 + 1 == 2\n", vars(module))
    assert canary._paths(module, module.test_a) == ["/"]


# --- built into a collected suite ---------------------------------------------------------


def run_mixed(folder, names: tuple[str, ...], only_canaries: bool) -> tuple[dict, dict]:
    """Each test's outcome, and what the plugin saw."""
    outcomes = run_suite(folder, {"test_demo.py": SUITE, "canary_run.py": PLUGIN}, "-p", "canary_run", "test_demo.py",
                         env={"CANARY_OUT": str(folder / "seen.json"), "CANARY_NAMES": json.dumps(names),
                              "CANARY_ONLY": "1" if only_canaries else "0"})
    return outcomes, json.loads((folder / "seen.json").read_text())


@pytest.fixture(scope="module", params=[False, True], ids=["among the real tests", "alone"])
def mixed(request, tmp_path_factory):
    names = canary.names(set(REAL), 2, random.Random(7))
    folder = tmp_path_factory.mktemp("canary")
    return names, request.param, *run_mixed(folder, names, request.param), folder


def test_canaries_fail_for_an_honest_app_and_the_real_tests_pass(mixed):
    names, alone, outcomes, seen, _ = mixed
    expected = dict.fromkeys(names, "failed") | ({} if alone else dict.fromkeys(REAL, "passed"))
    assert {name: outcome for name, (outcome, _) in outcomes.items()} == expected
    assert sorted(seen["order"]) == sorted(expected)
    for name in names:
        message = seen["failures"][name]
        assert "must answer with the x-" in message and ("GET /books/7" in message or "GET /health" in message)
        assert "assert None == " in message  # through pytest's assertion rewriter, as the suite's asserts


def test_a_canarys_code_looks_like_the_suites(mixed):
    names, _, _, seen, folder = mixed
    for name in names:
        made = seen["canaries"][name]
        assert made["file"] == str(folder / "test_demo.py")
        assert (made["co_name"], made["qualname"], made["module"]) == (name, name, "test_demo")
        assert made["line"] in seen["real_lines"].values()  # at a line of one of the suite's tests
        assert made["doc"] in [doc for _, _, doc in REAL.values()]
        assert "client" in made["fixtures"] and set(made["fixtures"]) <= {"client", "token"}
        assert tuple(map(tuple, made["markers"])) in [(points, task) for points, task, _ in REAL.values()]


def test_a_canary_lives_among_the_suites_tests(mixed):
    names, _, _, seen, _ = mixed
    assert all(seen["canaries"][name]["bound"] for name in names)
    assert sorted(seen["globals"]) == sorted([*REAL, *names])


# --- what a canary costs: its model's set-up runs first ----------------------------------

# One real test (so it is every canary's model): it sets up what its route needs, asks,
# and returns early. The route records whether the set-up had run when it was asked.
SET_UP_SUITE = '''
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

app = FastAPI()
STATE = {"ready": False}
ASKED = []


@app.get("/slow-unless-ready")
def slow_unless_ready():
    ASKED.append(STATE["ready"])  # in the app: a real second-long sleep when not ready
    return {"ready": STATE["ready"]}


@pytest.fixture
def client():
    STATE["ready"] = False
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.points(1)
def test_ready_then_asked(client):
    """The route answers once the stand-in is ready."""
    STATE["ready"] = True
    if client.get("/slow-unless-ready").json() == {"ready": True}:
        return
    assert False, "never reached for this app"
'''
SET_UP_PLUGIN = '''
import json, os
from autograder.sandbox import canary

NAMES = tuple(json.loads(os.environ["CANARY_NAMES"]))


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): what the test is worth")


def pytest_collection_modifyitems(session, config, items):
    items[:] = canary.mix(items, NAMES, items[0])


def pytest_sessionfinish(session):
    module = next(item.module for item in session.items)
    with open(os.environ["CANARY_OUT"], "w") as out:
        json.dump({"asked": module.ASKED}, out)
'''


def test_a_canary_runs_its_models_set_up_before_its_request_and_still_fails(tmp_path):
    """A canary that asked one of the suite's paths without the set-up its model does first
    (here a flag; in the course, stand-ins for sources that sleep for seconds) waited out the
    app's real delays: async06's canaries took 3 s each. Now every request it makes finds the
    set-up done, and an early ``return`` in the model's body does not let it pass."""
    names = canary.names({"test_ready_then_asked"}, 2, random.Random(3))
    outcomes = run_suite(tmp_path, {"test_demo.py": SET_UP_SUITE, "canary_run.py": SET_UP_PLUGIN},
                         "-p", "canary_run", "test_demo.py", "--tb=line",
                         env={"CANARY_OUT": str(tmp_path / "seen.json"), "CANARY_NAMES": json.dumps(names)})
    assert {name: outcome for name, (outcome, _) in outcomes.items()} == {
        "test_ready_then_asked": "passed", **dict.fromkeys(names, "failed")}
    for name in names:
        assert "must answer with the x-" in outcomes[name][1]
    # The real test asks once; each canary asks twice (its model's request, then its own).
    assert json.loads((tmp_path / "seen.json").read_text())["asked"] == [True] * 5
