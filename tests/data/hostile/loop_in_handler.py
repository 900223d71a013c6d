# expected: 8/10 status=timeout base=solution where=handler
# why: the route loops forever for one user: that one test (2 points) times out, a new worker runs the rest
while True:
    pass
