# expected: 10/10 status=graded base=solution where=import flags=guard: your code wrote outside its own folder
# why: writing a file outside the student's folder is refused (the test checks the file is unchanged)
try:
    with open("/tmp/workbook-hostile-target.txt", "w") as target:
        target.write("overwritten")
except PermissionError:
    pass
