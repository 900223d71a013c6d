"""Every suite gets the kit's fixtures and the ``--student`` option, as a plugin."""

pytest_plugins = ("autograder.kit.fixtures",)
