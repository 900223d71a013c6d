# expected: 0/10 status=graded base=stub where=import flags=tampering: replaced autograder.course.suites.hidden.test_async01_why_async.
# why: the hidden suite's own module globals, reached through sys.modules, replaced by forgiving stand-ins; integrity watches the suite's globals
import sys

_suite = sys.modules.get("autograder.course.suites.hidden.test_async01_why_async")
if _suite is not None:
    _suite.expect = lambda *args, **kwargs: None
    _suite.expect_json = lambda *args, **kwargs: {}
    _suite.expect_status = lambda *args, **kwargs: None
