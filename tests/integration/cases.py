"""Manifests shared by the flows against the fake and against real Elasticsearch."""

#: An index whose mapping spells out default parameter values: Elasticsearch drops some of
#: them from GET _mapping and keeps others, and neither may show as a change.
DEFAULTS_INDEX = """
        kind: Index
        name: defaults
        spec:
          mappings:
            dynamic: true
            properties:
              k: {type: keyword, index: true, doc_values: true, store: false, norms: false}
              t: {type: text, norms: true, index: true, fielddata: false}
              n: {type: long, coerce: true, ignore_malformed: false}
              d: {type: date, format: "strict_date_optional_time||epoch_millis"}
              o: {type: object, enabled: true, properties: {x: {type: boolean, index: true}}}
              v: {type: dense_vector, dims: 3, index: true, similarity: cosine}
    """
