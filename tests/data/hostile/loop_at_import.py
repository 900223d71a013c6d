# expected: 0/10 status=timeout base=solution where=import
# why: an endless loop at module level: the import limit ends it, every test scores 0
while True:
    pass
