# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: the suite's source was once cached in linecache for error messages; it is purged and unreadable after collection (the import fails loudly if any line comes back)
import linecache
import autograder.paths as _paths

if linecache.getlines(str(_paths.SUITES / "hidden" / "test_async01_why_async.py")):
    raise SystemExit("the hidden suite's source was readable")
