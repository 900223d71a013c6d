# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: reading the hidden suite is refused (and caught here); the code is right, so the scores stand, flagged
from autograder.paths import SUITES

try:
    SECRETS = (SUITES / "hidden" / "test_async01_why_async.py").read_text()
except PermissionError:
    SECRETS = ""
