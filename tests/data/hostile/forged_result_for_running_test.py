# expected: 0/10 status=graded base=stub where=handler flags=tampering: a result arrived for
# why: a "passed" result forged for the running test (its name read from PYTEST_CURRENT_TEST): the reporter's own result then arrives for a test that is no longer running
import json
import os
import stat
import struct

_name = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
_frame = json.dumps({"event": "result", "name": _name, "status": "passed", "message": ""}).encode()
for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, struct.pack("!i", len(_frame)) + _frame)
    except OSError:
        pass
