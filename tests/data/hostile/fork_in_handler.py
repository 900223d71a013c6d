# expected: 8/10 status=graded base=solution where=handler flags=guard: your code started a process
# why: a fork inside a route is refused: that request fails, flagged
import os
if os.fork() == 0:
    os._exit(0)
