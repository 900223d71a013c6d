# expected: 0/10 status=import_error base=solution where=import flags=review: line 38 runs computed code
# why: the module executes itself again and again: RecursionError at import
exec(compile(open(__file__).read(), __file__, "exec"))
