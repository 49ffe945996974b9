"""The registry's named users and organisations, for the tests that check what was written."""

from jusoor.conftest import world  # noqa: F401  (fixtures are found by name)
