# expected: 0/10 status=graded base=stub where=import
# why: an atexit hook printing a score changes nothing: workers end with os._exit, output is not read
import atexit

atexit.register(lambda: print('{"event": "done", "score": 10}'))
