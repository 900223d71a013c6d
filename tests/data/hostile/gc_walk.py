# expected: 0/10 status=graded base=stub where=import flags=guard: your code walked the garbage collector's objects
# why: the stub looks for the reporter among all objects to forge results; gc.get_objects is refused
import gc

try:
    REPORTERS = [o for o in gc.get_objects() if type(o).__name__ == "Reporter"]
except PermissionError:
    REPORTERS = []
