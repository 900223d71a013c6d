# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: a file opened relative to a directory descriptor skips path checks in Python; Landlock judges the file itself and refuses it
import os

import autograder.paths as _paths

try:
    _dir = os.open(str(_paths.SUITES / "hidden"), os.O_RDONLY | os.O_DIRECTORY)
    _fd = os.open("test_async02_async_vs_def.py", os.O_RDONLY, dir_fd=_dir)
    raise SystemExit("another item's hidden suite was readable")
except OSError:
    pass
