# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: a .pth planted in the grader's site-packages would run at the next workbook command (or stop it starting, unreadable); Landlock refuses the write and the audit hook flags it
import os
import sysconfig

try:
    with open(os.path.join(sysconfig.get_paths()["purelib"], "workbook-hostile-planted.pth"), "w") as _f:
        _f.write("import os; os.system('touch /tmp/workbook-hostile-ran')\n")
    os.chmod(os.path.join(sysconfig.get_paths()["purelib"], "workbook-hostile-planted.pth"), 0)
except OSError:
    pass
