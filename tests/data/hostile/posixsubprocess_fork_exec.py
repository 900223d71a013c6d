# expected: 10/10 status=graded base=solution where=import flags=review: line 38 imports _posixsubprocess
# why: _posixsubprocess.fork_exec raises no audit event; seccomp refuses the clone, so no shell runs or outlives the grader; the static screen flags the import
import _posixsubprocess
import os

try:
    _posixsubprocess.fork_exec(["/bin/sh", "-c", "sleep 600 # workbook-hostile-marker"], [b"/bin/sh"], True, (), None, None,
                               -1, -1, -1, -1, -1, -1, -1, -1, True, True, None, None, None, -1, None, False)
except (OSError, TypeError, ValueError):
    pass
