"""The database items' kit on an SQLite file: the test's URL, looking into its database, counting
what the pools do, and one line for each way the database or the student's module lets a test down.
(The same on a PostgreSQL server is tests/test_postgres.py's.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from autograder.kit import db
from autograder.kit.db import ConnectionWatch, load_on_database, rows, server_answers, sqlite_url, tables
from tests.support.suites import run_suite

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/test"  # port 1: refused at once


@pytest.fixture
def url(tmp_path) -> str:
    return sqlite_url(tmp_path)


# --- the URL and what is in the database ---------------------------------------------------


def test_sqlite_url_is_an_absolute_file_in_the_folder(tmp_path, monkeypatch):
    assert sqlite_url(tmp_path) == f"sqlite+aiosqlite:///{tmp_path.resolve()}/app.db"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert sqlite_url("sub") == f"sqlite+aiosqlite:///{tmp_path.resolve()}/sub/app.db"


def test_rows_runs_one_statement_with_parameters(url):
    assert rows(url, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)") == []
    assert rows(url, "INSERT INTO users (email) VALUES (:email)", email="ada@example.com") == []
    rows(url, "INSERT INTO users (email) VALUES (:email)", email="alan@example.com")
    assert rows(url, "SELECT id, email FROM users ORDER BY id") == [(1, "ada@example.com"), (2, "alan@example.com")]
    assert rows(url, "SELECT email FROM users WHERE id = :id", id=2) == [("alan@example.com",)]


def test_tables_names_each_table_with_its_columns(url):
    assert tables(url) == {}
    rows(url, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    rows(url, "CREATE TABLE notes (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES users (id), body TEXT)")
    assert tables(url) == {"users": {"id", "email"}, "notes": {"id", "owner", "body"}}


def test_a_bad_statement_raises_for_the_suite_to_see(url):
    with pytest.raises(Exception, match="no such table: users"):
        rows(url, "SELECT * FROM users")


# --- ConnectionWatch ---------------------------------------------------------------------


async def connect_in_turn(url: str, times: int):
    engine = create_async_engine(url)
    for _ in range(times):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    return engine


def test_a_shared_engine_lends_one_connection_again_and_again(url):
    with ConnectionWatch() as watch:
        async def scenario():
            engine = await connect_in_turn(url, 3)
            during = (watch.opened, watch.checkouts, watch.checked_out, watch.peak, len(watch.pools))
            await engine.dispose()
            return during

        assert asyncio.run(scenario()) == (1, 3, 0, 1, 1)
    assert (watch.closed, watch.open_now) == (1, 0)


def test_connections_held_at_once_make_the_peak(url):
    with ConnectionWatch() as watch:
        async def scenario():
            engine = create_async_engine(url)
            async with engine.connect() as first, engine.connect() as second:
                await first.execute(text("SELECT 1"))
                await second.execute(text("SELECT 1"))
                held = watch.checked_out
            await engine.dispose()
            return held

        assert asyncio.run(scenario()) == 2
    assert (watch.peak, watch.opened, watch.open_now, watch.checked_out) == (2, 2, 0, 0)


def test_a_leaked_connection_stays_checked_out(url):
    with ConnectionWatch() as watch:
        async def scenario():
            engine = create_async_engine(url)
            leaked = await engine.connect()
            await leaked.execute(text("SELECT 1"))
            still_out = watch.checked_out
            await leaked.close()
            await engine.dispose()
            return still_out

        assert asyncio.run(scenario()) == 1
    assert watch.checked_out == 0


def test_an_engine_never_disposed_of_keeps_its_connection_open(url):
    with ConnectionWatch() as watch:
        engine = asyncio.run(connect_in_turn(url, 1))
        assert watch.open_now == 1
    asyncio.run(engine.dispose())  # after the watch: not counted


def test_each_engine_is_a_pool_of_its_own(url):
    with ConnectionWatch() as watch:
        async def scenario():
            for engine in [await connect_in_turn(url, 1), await connect_in_turn(url, 1)]:
                await engine.dispose()

        asyncio.run(scenario())
    assert len(watch.pools) == 2


def test_the_watch_stops_counting_when_it_is_closed(url):
    with ConnectionWatch() as watch:
        pass

    async def scenario():
        engine = await connect_in_turn(url, 2)
        await engine.dispose()

    asyncio.run(scenario())
    assert (watch.opened, watch.checkouts, watch.closed) == (0, 0, 0)


def test_rows_opens_its_own_connection_and_closes_it(url):
    """Why a suite does not call rows() while a watch counts the app's connections."""
    with ConnectionWatch() as watch:
        rows(url, "SELECT 1")
    assert watch.opened >= 1 and watch.open_now == 0 and watch.checked_out == 0


# --- the student's module on the test's database ----------------------------------------


class Module:
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


def test_a_module_that_read_the_variable_is_answered(url):
    module = Module(DATABASE_URL=url)
    assert load_on_database(lambda: module, url) is module


def test_a_module_without_the_variable_is_answered_too(url):
    module = Module()
    assert load_on_database(lambda: module, url) is module


def test_a_module_that_did_not_read_the_variable_fails_with_the_fix(url):
    with pytest.raises(pytest.fail.Exception) as raised:
        load_on_database(lambda: Module(DATABASE_URL="sqlite+aiosqlite:///./app.db"), url)
    assert raised.value.msg == (
        "your module's DATABASE_URL is 'sqlite+aiosqlite:///./app.db'; read it from the environment with "
        'os.environ.get("DATABASE_URL", <default>) so that the checks can give it a test database')
    assert raised.value.pytrace is False


def test_a_long_database_url_is_cut_in_the_message(url):
    with pytest.raises(pytest.fail.Exception) as raised:
        load_on_database(lambda: Module(DATABASE_URL="sqlite:///" + "x" * 200), url)
    assert f"DATABASE_URL is {('sqlite:///' + 'x' * 200)[:80]!r};" in raised.value.msg


# --- a PostgreSQL server that is not there -------------------------------------------------


@pytest.mark.parametrize(("given", "reason"), [
    ("sqlite+aiosqlite:///app.db", f"{db.ENV} is not a usable PostgreSQL URL: {db.ENV} must name a PostgreSQL server "
                                   "(postgresql+asyncpg://...), not sqlite+aiosqlite"),
    ("not a url", f"{db.ENV} is not a usable PostgreSQL URL: Could not parse SQLAlchemy URL from given URL string"),
])
def test_server_answers_refuses_a_url_that_is_not_postgresql(given, reason):
    assert server_answers(given) == reason


def test_server_answers_names_where_nobody_answered():
    assert server_answers(UNREACHABLE).startswith("no PostgreSQL server answers at 127.0.0.1:1/test (")
    socket_folder = "postgresql://postgres@/test?host=/nonexistent/socket"  # a Unix socket's folder
    assert server_answers(socket_folder).startswith("no PostgreSQL server answers at /nonexistent/socket:5432/test (")


def test_a_database_that_cannot_be_created_skips_the_test():
    with pytest.raises(pytest.skip.Exception, match=r"^could not create a test database at 127\.0\.0\.1:1/test \("), \
            db.private_database(UNREACHABLE):
        pass


def test_the_databases_it_makes_are_recognised_as_its_own():
    name = f"wb_{db._HOST_TAG}_{os.getpid()}_0a1b2c3d"
    assert int(db._OWN_NAME.match(name).group(1)) == os.getpid()
    assert db._OWN_NAME.match(f"wb_other1_{os.getpid()}_0a1b2c3d") is None  # another host's
    assert db._OWN_NAME.match("workbook") is None


def test_a_finished_process_is_not_alive():
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert db._pid_alive(os.getpid()) is True
    assert db._pid_alive(int(done.stdout)) is False


# --- the fixtures, in a session like a database suite's -----------------------------------

CONFTEST = 'pytest_plugins = ("autograder.kit.fixtures", "autograder.kit.db")\n'
SUITE = '''import os

import pytest

from autograder.kit.db import sqlite_url


@pytest.fixture
def student(database_student):
    return database_student


def test_the_module_reads_this_tests_database(database_url, student, tmp_path):
    assert database_url == sqlite_url(tmp_path) == os.environ["DATABASE_URL"]
    assert student.DATABASE_URL == database_url
'''
STUDENT = 'import os\nDATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./app.db")\n'


def test_a_suite_gets_a_private_sqlite_database_and_the_student_reads_it(tmp_path):
    (tmp_path / "mine.py").write_text(STUDENT, encoding="utf-8")
    outcomes = run_suite(tmp_path, {"conftest.py": CONFTEST, "test_db09_demo.py": SUITE},
                         f"--student={tmp_path / 'mine.py'}", unset=(db.ENV,))
    assert outcomes == {"test_the_module_reads_this_tests_database": ("passed", "")}


def test_a_suite_skips_when_the_named_server_does_not_answer(tmp_path):
    (tmp_path / "mine.py").write_text(STUDENT, encoding="utf-8")
    outcomes = run_suite(tmp_path, {"conftest.py": CONFTEST, "test_db09_demo.py": SUITE},
                         f"--student={tmp_path / 'mine.py'}", env={db.ENV: UNREACHABLE})
    [(outcome, reason)] = outcomes.values()
    assert outcome == "skipped" and reason.startswith("Skipped: no PostgreSQL server answers at 127.0.0.1:1/test (")
