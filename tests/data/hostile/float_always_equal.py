# expected: 9/10 status=graded base=solution item=async04_get_data where=import
# why: FETCH_DELAY a float subclass whose __eq__ is always true: the kit's same() compares exact builtin types, so the "3 seconds" test fails
class _Delay(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


FETCH_DELAY = _Delay(0.5)
