# expected: 0/10 status=graded base=solution where=import flags=review: line 41 uses the module table
# why: the module breaks its own later imports (each test loads it afresh); the grader, whose imports are done, is unaffected
import sys
import types

sys.modules["fastapi"] = types.ModuleType("fastapi")
