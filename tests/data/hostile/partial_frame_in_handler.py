# expected: 0/10 status=graded base=solution where=handler flags=tampering: a partial frame stalled the results channel
# why: the same during a test: the grader stops at the test's limit instead of waiting for the rest of the frame
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
