# expected: 10/10 status=graded base=solution where=import
# why: a thread that never ends does not keep the worker alive past its run
import threading
import time


def spin():
    while True:
        time.sleep(0.01)


threading.Thread(target=spin).start()
