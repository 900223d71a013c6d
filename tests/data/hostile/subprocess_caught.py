# expected: 10/10 status=graded base=solution where=import flags=guard: your code started a process
# why: the refused subprocess is caught; the rest of the code is right, so the scores stand, flagged
import subprocess
try:
    subprocess.run(["true"], check=False)
except PermissionError:
    pass
