# expected: 0/10 status=import_error base=solution where=import
# why: 6 GiB at most (bounded), past the worker's 4 GiB address-space limit: MemoryError at import
blocks = [bytes(512 << 20) for _ in range(12)]
