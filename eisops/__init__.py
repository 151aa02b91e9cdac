"""eisops: Elasticsearch search and inference configuration as code.

This module holds the version only.
"""

__version__ = "0.1.0"
