"""Course authoring: the solution markers, building stubs and notebooks, the student
bundle (``release``) and the teaching measure.
"""
