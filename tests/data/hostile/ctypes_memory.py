# expected: 10/10 status=graded base=solution where=import flags=guard: your code used ctypes
# why: ctypes could write anywhere in the process: refused
try:
    import ctypes

    ctypes.CDLL(None)
except (PermissionError, OSError):
    pass
