# expected: 0/10 status=graded base=stub where=import flags=tampering
# why: the stub writes into the results pipe (found with fstat, as in the hostile corpus; os.write sits in a constant exec string the screen does not read) one frame of 200,000 '[' characters: the grader's channel.Reader parses it with json.loads, which raises RecursionError, not the ValueError it catches; the exception escapes engine.grade_item and grading.grade, and the whole run stops for every student (a rerun reaches the same submission and stops again). A correct grader treats the frame as a protocol violation: 0/10, flagged.
exec("""
import os, stat, struct
_n = 200000
_frame = struct.pack('!i', _n) + b'[' * _n
for _fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, _frame)
    except OSError:
        pass
""")
