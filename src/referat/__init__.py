"""referat: Danish municipal committee minutes: import, store, search and publish."""

__version__ = "0.1.0"
