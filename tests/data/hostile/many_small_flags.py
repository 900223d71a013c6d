# expected: 10/10 status=graded base=solution where=import flags=guard: your code x0
# why: two hundred distinct forged flags: a flag never changes a score, and the grader keeps at most 20 and says that it dropped the rest
import json
import os
import stat
import struct

for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            for _n in range(200):
                _frame = json.dumps({"event": "flag", "flag": f"x{_n}"}).encode()
                os.write(_fd, struct.pack("!i", len(_frame)) + _frame)
    except OSError:
        pass
