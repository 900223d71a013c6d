# expected: 0/10 status=graded base=stub where=import flags=guard: your code read the grader's files
# why: the stub tries to load the reference solution in its place; the read is refused, so it stays a stub
from autograder.paths import SOLUTIONS

try:
    exec((SOLUTIONS / "async01_why_async.py").read_text())
except PermissionError:
    pass
