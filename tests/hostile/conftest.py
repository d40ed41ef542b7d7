"""Every reading test here runs twice: a CSV read whole, and parsed where it lies on disk."""

from tests.both_ways import where_read

__all__ = ["where_read"]
