# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: the same through a file: URI (mode=rwc), which an earlier guard let through; Landlock refuses it either way
import sqlite3
import sysconfig

try:
    _db = sqlite3.connect("file:" + sysconfig.get_paths()["purelib"] + "/workbook-hostile-uri.pth?mode=rwc", uri=True)
    _db.execute("create table t(x)")
    _db.commit()
except (sqlite3.Error, OSError):
    pass
