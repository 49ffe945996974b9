"""The shipped moderation model (data files only; a package so setuptools ships them)."""
