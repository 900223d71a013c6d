# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: a hard link to a solution would make it readable inside the job folder; the hook refuses it and the kernel would too (another file system, no rights)
import os

import autograder.paths as _paths

try:
    os.link(_paths.SOLUTIONS / "async02_async_vs_def.py", "workbook-hostile-hardlink")
    raise SystemExit("a solution was linked into the job folder")
except OSError:
    pass
