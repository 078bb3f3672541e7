"""View data for the API: an object plus what a service computed for it (for
a whole page at once), so that schemas only read attributes."""

from __future__ import annotations


class View:
    """The object's attributes, and the extra ones given."""

    def __init__(self, obj, **extra):
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._obj, name)
