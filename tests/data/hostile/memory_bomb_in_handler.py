# expected: 8/10 status=graded base=solution where=handler
# why: 6 GiB at most (bounded): MemoryError in one request, a 500 for that test only
blocks = [bytes(512 << 20) for _ in range(12)]
