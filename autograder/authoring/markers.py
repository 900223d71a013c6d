"""The solution markers: what a reference solution's author wraps around the answer.

``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines enclose the student's answer: the build
drops it from the stub, the audit mutates only it, the teaching measure compares lessons
with it. One definition, read by all three (this module imports nothing heavy).
"""

from __future__ import annotations

import re

BEGIN = re.compile(r"^\s*# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
