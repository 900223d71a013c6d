# expected: 10/10 status=graded base=solution where=import flags=review: line 38 imports socket
# why: PostgreSQL's Unix socket (trust authentication: a superuser) is a file, not a network address; without a database to grade against, seccomp refuses AF_UNIX sockets
import socket

for _path in ("/var/run/postgresql/.s.PGSQL.5432", "/run/postgresql/.s.PGSQL.5432", "/var/run/docker.sock"):
    try:
        _s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _s.connect(_path)
        raise SystemExit(f"{_path} was reachable")
    except OSError:
        pass
