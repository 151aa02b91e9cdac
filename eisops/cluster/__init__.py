"""Talking to Elasticsearch: the connection, authentication, version and error translation.

The only package that imports the ``elasticsearch`` client. It never prints.
"""

from eisops.cluster.connection import Cluster, ConnectionSettings, connect

__all__ = ["Cluster", "ConnectionSettings", "connect"]
