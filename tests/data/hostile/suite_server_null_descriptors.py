# expected: 10/10 status=graded base=solution where=import
# why: a server-forked worker keeps the session's descriptors on /dev/null (pytest's log handler writes to one); the student points each at a file of its own and writes into the others it finds: all of them are the worker's own (the server's socket was closed before any student code), so nothing reaches the server or a later worker, and the session's log lines land only in the student's own folder
exec("""
import os as _os, stat as _stat
_null = _os.stat(_os.devnull).st_rdev
_mine = _os.open("captured.txt", _os.O_WRONLY | _os.O_CREAT, 0o600)
for _fd in range(3, 64):
    try:
        _info = _os.fstat(_fd)
    except OSError:
        continue
    if _stat.S_ISCHR(_info.st_mode) and _info.st_rdev == _null and _fd != _mine:
        _os.dup2(_mine, _fd)
    elif _stat.S_ISSOCK(_info.st_mode):
        _os.write(_fd, b"reap")
""")
