# expected: 8/10 status=graded base=solution where=handler
# why: sys.exit inside a route fails that one request, not the run
import sys
sys.exit(1)
