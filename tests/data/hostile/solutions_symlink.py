# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: a symbolic link made inside the job folder points at a solution; Landlock judges the target, which stays unreadable
import os

import autograder.paths as _paths

try:
    os.symlink(_paths.SOLUTIONS / "async02_async_vs_def.py", "workbook-hostile-link")
    open("workbook-hostile-link").read()
    raise SystemExit("a solution was readable through a link")
except OSError:
    pass
