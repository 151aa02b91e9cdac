"""Reading manifests: YAML files into located documents, envelope checks and cross-document validation.

Nothing in this package talks to Elasticsearch or prints.
"""
