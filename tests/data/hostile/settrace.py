# expected: 10/10 status=graded base=solution where=import flags=guard: your code installed a trace function (sys.settrace)
# why: a trace function could rewrite the tests' locals: refused
import sys

try:
    sys.settrace(lambda frame, event, arg: None)
except PermissionError:
    pass
