# expected: 0/10 status=import_error base=solution where=import flags=guard: your code started a process
# why: the guard refuses the first fork (bounded anyway: a child would exit at once)
import os
for _ in range(20):
    if os.fork() == 0:
        os._exit(0)
