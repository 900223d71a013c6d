"""The student's tools: check, hints, progress, the notebook's calls and ``serve``.
"""
