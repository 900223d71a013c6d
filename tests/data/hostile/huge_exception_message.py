# expected: 8/10 status=graded base=solution where=handler
# why: a two-megabyte exception message: the worker shortens it and the grader caps it again (never trusting the worker), so the result stays small
raise ValueError("x" * 2_000_000)
