# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: the default gradebook path, relative to the instructor's folder, guessed; not reachable from the job folder (and refused outside it)
import os
import sqlite3

for _path in ("../.workbook/gradebook.sqlite", os.path.expanduser("~/.workbook/gradebook.sqlite"), "/tmp/.workbook/gradebook.sqlite"):
    try:
        sqlite3.connect(_path).execute("create table workbook_hostile(x)")
    except (sqlite3.Error, OSError):
        pass
