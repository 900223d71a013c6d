# expected: 10/10 status=graded base=solution where=import
# why: 100 MB of output is captured and capped; it costs nothing, the code is right
print("x" * (100 << 20))
