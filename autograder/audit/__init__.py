"""Mutation audit: does each hidden suite fail the reference solution's likely bugs?

A hidden suite that passes a wrong answer gives a student full marks for a bug. The
audit makes *mutants* of an item's reference solution (one small change each: a dropped
``await``, a 401 turned into a 403, a dependency removed...) and grades every mutant
with the item's hidden suite through the grader's own engine (:func:`engine.grade_item`,
one isolated worker per mutant, ``workers`` at a time, as :mod:`autograder.grading.batch` does).
A mutant is **killed** when it scores below full marks or does not grade normally; one
that the suite still gives full marks **survived**: a real gap in the suite, or an
*equivalent* mutant (the program means the same), which ``course/equivalents.toml``
records with a one-line reason. Target: per item, at least 90% of the mutants that are
neither equivalent nor invalid are killed.

**What is mutated.** Only the code between ``# BEGIN SOLUTION`` and ``# END SOLUTION``:
that is the student's answer, what the suite exists to judge. The code around it (the
app, mock sources, ``SECRET_KEY``, given helpers) is handed to the student, and most of
it is replaced or set by the suites (``LATENCY``, stand-in sources), so its mutants say
nothing about the suite and would drown the table in equivalents. Docstrings are never
mutated. A solution without markers is mutated whole.

**Why a small AST mutator, not a library.** The mutants must be source files that *our*
engine grades in *our* isolated workers. cosmic-ray 8.7 is maintained, but it is a whole
harness: it writes each mutation into the module in place, runs its own test command per
mutant and keeps its own session database; its operators are generic (arithmetic, number
and comparison replacement...) and knowing the mutations this course cares about (a
dropped ``await``, ``asyncio.sleep`` -> ``time.sleep``, a status code swapped for its
usual wrong neighbour, a ``Depends`` removed, ``algorithms=`` dropped from
``jwt.decode``) would mean writing operator plugins registered through entry points,
against parso trees. mutatest 3.1 (2022) is unmaintained and likewise runs the tests
itself. libcst would keep comments, which a grader does not need. Python's ``ast`` with
``ast.unparse`` makes every mutation here in a few lines, has no dependency, and yields
a module text to write as ``<item id>.py``. Before the mutants, the unparsed but
unmutated solution is graded too (the *control*): it must still earn full marks, or the
item's audit is void.

**Mutant ids** are ``operator:L<line>:<hash>``: the line in the solution file, and a
hash of the operator, that line's text and the change, so an entry in the equivalents
file survives edits elsewhere in the file (an entry whose line moved still matches by
operator and hash).

``--changed`` audits only the items whose fingerprint (solution, hidden suite, the
item's equivalents, the suite kit ``autograder/kit/`` and the mutator's version)
differs from ``course/baseline.json``,
which ``workbook audit --record`` writes after a run in which every audited item met
the target. ``workbook audit --pending ITEM...`` records items whose authors are still
at work as not audited yet: ``--changed`` says so and leaves them alone until their
solution or suite changes, and from then on audits them like any other item.
"""
