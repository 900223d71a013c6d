# expected: 0/10 status=crashed base=solution where=import
# why: os._exit kills the worker process; the grader sees the pipe close during the import
import os
os._exit(0)
