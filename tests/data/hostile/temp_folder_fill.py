# expected: 10/10 status=graded base=solution where=import
# why: 60 MB written into the temporary folder at every import once stayed on disk after the run; the job folder is a 64 MB tmpfs in the worker's own mount namespace, full at the second import, gone with the worker
import os
import tempfile

try:
    with open(os.path.join(tempfile.gettempdir(), f"workbook-hostile-fill-{os.urandom(4).hex()}"), "wb") as _f:
        for _ in range(60):
            _f.write(b"\0" * (1 << 20))
except OSError:
    pass
