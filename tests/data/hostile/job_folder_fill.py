# expected: 10/10 status=graded base=solution where=import
# why: the same in the working folder, next to the student's own copy: the same tmpfs, the same cap
import os

try:
    with open(f"workbook-hostile-fill-{os.urandom(4).hex()}", "wb") as _f:
        for _ in range(200):
            _f.write(b"\0" * (1 << 20))
except OSError:
    pass
