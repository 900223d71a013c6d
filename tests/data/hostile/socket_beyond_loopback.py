# expected: 10/10 status=graded base=solution where=import flags=guard: your code opened a connection beyond this machine
# why: the guard refuses a connection to a non-loopback address before the kernel sees it (0.0.0.0: no packet could leave even if it did not)
import socket

try:
    with socket.create_connection(("0.0.0.0", 9), timeout=1):
        pass
except (PermissionError, OSError):
    pass
