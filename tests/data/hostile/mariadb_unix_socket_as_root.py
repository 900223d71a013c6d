# expected: 10/10 status=graded base=solution where=import flags=review: line 38 imports socket
# why: the same hole as the PostgreSQL socket, for MariaDB: /run/mysqld/mysqld.sock is a pathname Unix socket (outside Landlock's reach, "loopback" to the guard, visible in the worker's mount namespace); the correct answer connects and reads the server's greeting, and makes its import fail (0/10, import_error) when it could, to show it. A grader running as root connects as uid 0, which MariaDB's unix_socket authentication maps to its root account (FILE privilege: LOAD_FILE, SELECT ... INTO OUTFILE as the mysql user). A correct grader refuses the connection: 10/10, flagged.
import socket as _socket

_reached = b""
try:
    with _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM) as _sock:
        _sock.settimeout(2)
        _sock.connect("/run/mysqld/mysqld.sock")
        _reached = _sock.recv(200)
except OSError:
    pass
if _reached:
    raise RuntimeError("reached MariaDB from the sandbox: " + repr(_reached[5:40]))
