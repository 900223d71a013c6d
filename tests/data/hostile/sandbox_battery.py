# expected: 10/10 status=graded base=solution where=import flags=guard
# why: a battery of escapes at import, each of which must fail: TCP to Redis and PostgreSQL on 127.0.0.1, reading the solutions, .git and /proc, listing /tmp, writing /tmp and /dev/shm, os.fork, a signal to pid 1; the module raises (import_error, 0/10) if any one succeeded. Observed: with a clean sys.path every one fails (10/10, four guard flags: the kernel sandbox holds); with /tmp on the grader's sys.path (a grading script in /tmp) 'list /tmp' succeeds, see syspath_dir_readable_copy_neighbour. A correct grader: 10/10, flagged by the guard for the refused calls.
exec("""
import os, socket, sys
_wins = []
def _try(label, fn):
    try:
        fn()
        _wins.append(label)
    except BaseException:
        pass
def _tcp(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=1)
    s.close()
_root = str(sys.modules['autograder.paths'].ROOT)
_try('tcp redis', lambda: _tcp(6379))
_try('tcp postgres', lambda: _tcp(5432))
_try('read solution', lambda: open(_root + '/solutions/async01_why_async.py').read())
_try('read .git', lambda: os.listdir(_root + '/.git'))
_try('read /proc/1/cmdline', lambda: open('/proc/1/cmdline', 'rb').read())
_try('list /tmp', lambda: os.listdir('/tmp'))
_try('write /tmp', lambda: open('/tmp/redteam_battery.txt', 'w').write('x'))
_try('write /dev/shm', lambda: open('/dev/shm/redteam_battery.txt', 'w').write('x'))
def _fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
_try('fork', _fork)
_try('signal pid 1', lambda: os.kill(1, 0))
if _wins:
    raise RuntimeError('escaped: ' + ', '.join(_wins))
""")
