# expected: 10/10 status=graded base=solution where=import flags=guard: your code started a process
# why: a child in its own session escapes a process-group kill; no child can be made at all (the hook refuses os.fork, seccomp any clone)
import os

try:
    os.setsid()
except OSError:
    pass
try:
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "600", "workbook-hostile-marker"])
except OSError:
    pass
