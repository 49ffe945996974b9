"""The one exception the opinion engine raises, with a code the apps can translate."""

from __future__ import annotations


class OpinionError(ValueError):
    """Bad input to the opinion engine.

    `code` is stable and machine-readable (the Django app maps it to a translated message);
    `detail` is English for logs and developers.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
