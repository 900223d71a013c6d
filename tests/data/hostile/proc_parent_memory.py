# expected: 10/10 status=graded base=solution where=import flags=review: line 42 opens a path of the grader or /proc
# why: the grader's memory through /proc/<pid>/mem or its command line (the gradebook's path): /proc cannot be opened
import os

for _name in ("cmdline", "environ", "mem"):
    try:
        open(f"/proc/{os.getppid()}/{_name}", "rb").read(64)
        raise SystemExit(f"/proc/{os.getppid()}/{_name} was readable")
    except OSError:
        pass
