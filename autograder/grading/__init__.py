"""Batch grading: many submissions, many items, results kept as they are graded.

``batch`` grades, ``submissions`` finds each student's files (folders and zips, with the
file rules), ``store`` is the SQLite results store a rerun reuses.
"""
