# expected: 10/10 status=graded base=solution where=import flags=review: line 38 imports socket
# why: loopback is allowed, but it is the worker's own: a service on the machine's loopback (here the test's listener) cannot be reached
import socket

try:
    with socket.create_connection(("127.0.0.1", {LISTENER_PORT}), timeout=2) as _s:
        _s.sendall(b"workbook-hostile-reached")
except OSError:
    pass
