# expected: 0/10 status=graded base=stub where=import flags=tampering: a frame of
# why: forty well-formed 1 MB flag events once took the grader to 3 GB; a frame above the channel's limit now ends the run at its header
import json
import os
import stat
import struct

_frame = json.dumps({"event": "flag", "flag": "x" * 1_000_000}).encode()
for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            for _ in range(40):
                os.write(_fd, struct.pack("!i", len(_frame)) + _frame)
    except OSError:
        pass
