# expected: 0/10 status=graded base=stub where=import flags=tampering: the results channel carried an event the grader does not know
# why: six thousand small events: the first unknown one voids the run, and the per-item event budget ends the reading
import json
import os
import stat
import struct

_frame = json.dumps({"event": "noise"}).encode()
for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            for _ in range(6000):
                os.write(_fd, struct.pack("!i", len(_frame)) + _frame)
    except OSError:
        pass
