# expected: 8/10 status=crashed base=solution where=handler flags=review: line 44 starts, signals or ends a process
# why: os._exit kills the worker during one test: that test scores 0, a new worker runs the rest
import os
os._exit(1)
