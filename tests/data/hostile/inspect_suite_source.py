# expected: 10/10 status=graded base=solution where=handler flags=review: line 46 reads the call stack
# why: inspect.getsource on the running test, reached through the stack, would reveal the hidden suite; the file cannot be opened once collected
import inspect
import sys

_frame = sys._getframe(1)
while _frame is not None:
    if _frame.f_code.co_name.startswith("test_"):
        try:
            inspect.getsource(_frame.f_code)
            raise SystemExit("the hidden suite's source was readable")
        except OSError:
            break
    _frame = _frame.f_back
