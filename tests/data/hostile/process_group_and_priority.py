# expected: 10/10 status=graded base=solution where=import
# why: calls the kernel itself allows a process on its own, refused by seccomp because the same calls aimed elsewhere are attacks: setpgid (a worker that joins its suite server's group escapes the group kill and stalls the server), setpriority and sched_setaffinity naming a pid (renicing the server slows every later student of its suite); the module raises (import_error, 0/10) if any one succeeded
exec("""
import os
_wins = []
for _label, _call in (("setpgid to its own group", lambda: os.setpgid(0, 0)),
                      ("setpriority by pid", lambda: os.setpriority(os.PRIO_PROCESS, os.getpid(), 5)),
                      ("sched_setaffinity by pid", lambda: os.sched_setaffinity(os.getpid(), os.sched_getaffinity(0)))):
    try:
        _call()
        _wins.append(_label)
    except OSError:
        pass
if _wins:
    raise RuntimeError('not refused: ' + ', '.join(_wins))
""")
