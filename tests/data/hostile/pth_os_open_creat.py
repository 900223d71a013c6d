# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: os.open with O_WRONLY|O_CREAT carries flags, not a mode; the guard reads the flags now and Landlock refuses the file anyway
import os
import sysconfig

try:
    _fd = os.open(os.path.join(sysconfig.get_paths()["purelib"], "workbook-hostile-creat.pth"), os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(_fd)
except OSError:
    pass
