"""Every suite gets the kit's fixtures and the ``--student`` option."""

from autograder.kit.fixtures import *  # noqa: F403
