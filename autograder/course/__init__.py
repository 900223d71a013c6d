"""Course content: the manifest (``course.toml``), the suites, the audit's equivalents and baseline.

Data, not grader code. A package only so that the suites' dotted names stay stable.
"""
