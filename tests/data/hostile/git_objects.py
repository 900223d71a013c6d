# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: the reference solutions are in the repository's history; .git cannot be opened
import os
import autograder.paths as _paths

try:
    _heads = os.listdir(_paths.ROOT / ".git" / "objects")
    raise SystemExit("the repository's objects were readable")
except OSError:
    pass
