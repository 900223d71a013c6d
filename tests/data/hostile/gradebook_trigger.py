# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: a trigger planted in the gradebook would rewrite everyone's scores at the next report; the gradebook cannot be opened from the worker
import sqlite3

try:
    _db = sqlite3.connect("{GRADEBOOK}")
    _db.execute("create trigger workbook_hostile after insert on results begin update results set result = new.result; end")
    _db.commit()
except (sqlite3.Error, OSError):
    pass
