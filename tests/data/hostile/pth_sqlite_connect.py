# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: sqlite3 creates its file itself; the guard treats sqlite3.connect as a write and Landlock refuses the file
import sqlite3
import sysconfig

try:
    _db = sqlite3.connect(sysconfig.get_paths()["purelib"] + "/workbook-hostile-sqlite.pth")
    _db.execute("create table t(x)")
    _db.commit()
except (sqlite3.Error, OSError):
    pass
