# expected: 10/10 status=graded base=solution where=import flags=guard: your code sent a signal to a process
# why: signalling the grader is refused (signal 0 only probes: harmless even if it got through)
import os

try:
    os.kill(os.getppid(), 0)
except PermissionError:
    pass
