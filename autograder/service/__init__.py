"""The grading service (``workbook server``, ``workbook worker``): students submit from the
terminal, the notebook or the web and see feedback in seconds; instructors watch the class.

It is a FastAPI application written the way the course teaches it, in front of the same
isolating engine ``workbook grade`` uses. The database is the source of truth: a submission
is stored before it is queued, and one left ungraded past a bound is queued again.
"""
