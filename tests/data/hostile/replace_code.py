# expected: 0/10 status=graded base=stub where=import flags=guard: your code replaced a function's code
# why: the stub swaps the kit's check for one that never fails; assigning __code__ is refused
from autograder.kit import checks

try:
    checks.expect.__code__ = (lambda cond, message="": None).__code__
except PermissionError:
    pass
