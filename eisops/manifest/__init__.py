"""Reading manifests: YAML files into located documents, and the envelope around each spec.

It knows no kind of object (the registry tells which kinds exist) and talks to no one:
nothing in this package sends a request or prints. Checking manifests as a whole is
``eisops.planning.validate``.
"""
