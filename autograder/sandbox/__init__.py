"""The grading sandbox: what runs a student's code, and how it is confined.

The grader's side starts a worker per item and reads its events (``engine``, ``channel``,
the fork server in ``warm``, run folders in ``workspace``); the worker's side confines
itself (``confine``), screens the file (``screen``), loads it (``loader``, ``messages``) and
runs the suite with the pytest plugin (``plugin``), watched by ``guard``, ``integrity`` and
``canary``. ``protocol`` declares every event the two sides exchange.
"""
