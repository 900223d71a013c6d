# expected: 10/10 status=graded base=solution where=import flags=review: line 38 imports socket
# why: Redis on the machine's loopback (127.0.0.1:6379) would take FLUSHALL without a password; the worker's network namespace has no such service
import socket

try:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as _s:
        _s.sendall(b"SET workbook-hostile-redis reached\r\n")
except OSError:
    pass
