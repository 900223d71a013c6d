"""What results become: the terminal table and the JSON and CSV gradebook (``gradebook``),
the HTML report (``report``), the platforms' formats (``platforms``); ``safe`` is how every
one of them writes (no control character, no formula, no special file).
"""
