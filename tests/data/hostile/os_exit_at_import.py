# expected: 0/10 status=crashed base=solution where=import flags=review: line 39 starts, signals or ends a process
# why: os._exit kills the worker process; the grader sees the pipe close during the import
import os
os._exit(0)
