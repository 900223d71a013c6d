# expected: 0/10 status=import_error base=solution where=import
# why: the module does not parse: import_error, with the line, and no test runs
def broken(:
    pass
