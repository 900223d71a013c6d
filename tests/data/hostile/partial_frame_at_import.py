# expected: 0/10 status=graded base=stub where=import flags=tampering: a partial frame stalled the results channel
# why: half a frame written into the results pipe, then silence: the grader's reads never block past the import limit, and a partial frame voids the run
import os
import stat
import struct
import time

for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, struct.pack("!i", 100) + b'{"event": ')
    except OSError:
        pass
while True:
    time.sleep(0.05)
