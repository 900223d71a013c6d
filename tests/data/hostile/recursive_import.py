# expected: 0/10 status=import_error base=solution where=import
# why: the module executes itself again and again: RecursionError at import
exec(compile(open(__file__).read(), __file__, "exec"))
