# expected: 0/10 status=graded base=stub where=import
# why: sandbox.policy_for makes every directory on the grader's sys.path readable (python_roots), not only the Python installation; when the grader is started with a folder outside the project on sys.path (a script or `python -m` run from /tmp or a course folder, a PYTHONPATH entry, a .pth file), that whole folder is readable in every worker. With /tmp on it (as with the brief's /tmp/g.py), the stub lists /tmp and reads the private copies of other students (grading.grade's /tmp/workbook-grade-*/N/, the run folders: 0700 but owned by the grader's uid, the worker's uid too) and runs the first one that answers the task. A correct grader keeps the readable set to the installation and the job folder whatever sys.path holds: the stub scores 0.
import glob as _glob

_run = (exec,)[0]
for _path in sorted(_glob.glob("/tmp/workbook-grade-*/*/async01_why_async.py")
                    + _glob.glob("/tmp/workbook-grade-*/*/*/async01_why_async.py")
                    + _glob.glob("/tmp/[!w]*/*/async01_why_async.py")):
    try:
        with open(_path, encoding="utf-8") as _stream:
            _text = _stream.read()
    except OSError:
        continue
    if "await asyncio.gather(" in _text and "exec" not in _text and "_sequential" not in _text:
        _run(_text, globals())
        break
