"""The end-to-end tests share the fixtures of the package's tests."""

from jusoor.conftest import (  # noqa: F401  (fixtures are found by name)
    _audit_guard,
    _fast_passwords,
    _pii_key,
    flushable_audit_log,
    pytest_runtest_teardown,
)
