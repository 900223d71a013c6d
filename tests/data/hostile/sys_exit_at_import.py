# expected: 0/10 status=crashed base=solution where=import
# why: sys.exit while being imported ends only the worker's import
import sys
sys.exit(3)
