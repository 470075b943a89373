"""Charter's benchmark suite: `make bench` (docs/performance.md).

Each figure measures one path through the real services against a ceiling measured in the
same run on the same database connection, and reports the ratio between the two.
"""
