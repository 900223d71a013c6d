# expected: 10/10 status=graded base=solution where=import flags=guard: your code read the grader's files
# why: listing the suites folder is refused like reading it
import os

from autograder.paths import SUITES

try:
    NAMES = os.listdir(SUITES / "hidden")
except PermissionError:
    NAMES = []
