# expected: 10/10 status=graded base=solution where=import flags=guard: your code changed files outside its own folder
# why: deleting a file outside the student's folder is refused (the test checks the file survives)
import os

try:
    os.remove("/tmp/workbook-hostile-target.txt")
except (PermissionError, FileNotFoundError):
    pass
