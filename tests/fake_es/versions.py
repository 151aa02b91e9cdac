"""Emulated Elasticsearch server version and feature gates.

What it is for: parse the configured version ("9.2.0", "8.19.8", ...) and
answer "does this version have behaviour X" in one place, so every
version-dependent quirk names the release where it appeared.

What it must not do: hold any state other than the version itself.
"""

from __future__ import annotations

import re
from functools import total_ordering


@total_ordering
class EsVersion:
    def __init__(self, text: str) -> None:
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:-SNAPSHOT)?", text)
        if not m:
            raise ValueError(f"not an Elasticsearch version: {text!r}")
        self.text = text
        self.major, self.minor, self.patch = (int(g) for g in m.groups())

    @property
    def tuple(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EsVersion) and self.tuple == other.tuple

    def __lt__(self, other: "EsVersion") -> bool:
        return self.tuple < other.tuple

    def __hash__(self) -> int:
        return hash(self.tuple)

    def __str__(self) -> str:
        return self.text

    def at_least(self, text: str) -> bool:
        parts = tuple(int(p) for p in text.split("."))
        return self.tuple[: len(parts)] >= parts

    def since(self, text: str, backport_8x: str | None = None) -> bool:
        """True from release ``text`` on, or on 8.x from ``backport_8x`` on."""
        if self.at_least(text):
            return True
        return backport_8x is not None and self.major == 8 and self.at_least(backport_8x)

    # ---- feature gates (each names the release where the behaviour starts)
    @property
    def template_and_pipeline_timestamps(self) -> bool:
        # created_date_millis / modified_date_millis on templates and pipelines: 9.2.
        return self.at_least("9.2")

    @property
    def eis_rate_limit_refused(self) -> bool:
        # EIS refuses service_settings.rate_limit from 9.2 (PR #133845).
        return self.at_least("9.2")

    @property
    def eis_rate_limit_shown(self) -> bool:
        # EIS stored and showed rate_limit in 8.18 - 9.1.
        return self.at_least("8.18") and not self.at_least("9.2")

    @property
    def chunking_settings_updatable(self) -> bool:
        # PUT _inference/{id}/_update accepts chunking_settings from 9.5 (PR #149723).
        return self.at_least("9.5")

    @property
    def dense_vector_bbq_default(self) -> bool:
        # dense_vector defaults to bbq_hnsw for dims >= 384 from 9.1. Not on 8.19 (8.19.21 shows
        # int8_hnsw for 384 dims). With the default depending on dims, a dense_vector without
        # dims shows no index_options until the first vector sets them (seen on 9.2.8 - 9.5.2).
        return self.at_least("9.1")

    @property
    def bfloat16_vectors(self) -> bool:
        # dense_vector element_type bfloat16: 9.3 (absent on 8.19.21, present on 9.5.2).
        return self.at_least("9.3")

    @property
    def int4_shows_confidence_interval(self) -> bool:
        # int4 index_options show "confidence_interval": 0.0 up to 9.3 (8.19.21, 9.2.8, 9.3.8), not
        # from 9.4 (9.4.3, 9.5.2): the parameter lost its 0.0 default and is deprecated there
        # (elastic/elasticsearch#145078: "versions before 9.4.0 write it out as 0.0").
        return not self.at_least("9.4")

    @property
    def source_mode_in_mapping_ignored(self) -> bool:
        # _source.mode in a mapping is a no-op an index does not keep from 9.0.0 (PR #119072;
        # 9.5.2 drops it, 8.19.21 keeps it); the index.mapping.source.mode setting replaces it.
        return self.at_least("9.0")

    @property
    def subobjects_false_keeps_nested(self) -> bool:
        # nested fields under subobjects: false, and auto-flattening errors raised when the
        # mappers are built: PR #152357 (merged 2026-06; 9.5.2 has it, 8.19.21 not; assumed 9.5).
        return self.at_least("9.5")

    @property
    def time_series_times_need_mode(self) -> bool:
        # index.time_series.start_time / end_time without index.mode=time_series: refused on
        # 8.19.21, accepted on 9.5.2; the release in between is unverified (assumed 9.0).
        return self.major < 9

    @property
    def lifecycle_hourly_rollover(self) -> bool:
        # The automatic rollover max_age is 1h for a retention of at most a day on 9.5.2 (1d on
        # 8.19.21); issue #130960 (2025-07) asked for it; the first release is unverified (assumed 9.2).
        return self.at_least("9.2")

    @property
    def lifecycle_downsampling_method(self) -> bool:
        # lifecycle.downsampling_method: 9.3 (PR #137023); 8.19.21 refuses it as an unknown field.
        return self.at_least("9.3")

    @property
    def semantic_text_inference_id_updatable(self) -> bool:
        # semantic_text.updatable_inference_id: 9.3.
        return self.at_least("9.3")

    @property
    def model_settings_has_service(self) -> bool:
        # MinimalServiceSettings gained "service" with 9.1 / 8.19.
        return self.since("9.1", backport_8x="8.19")

    @property
    def semantic_text_shows_default_index_options(self) -> bool:
        # ~9.1 - 9.3 serialise the resolved default index_options of dense semantic_text.
        return self.since("9.1", backport_8x="8.19") and not self.at_least("9.4")

    @property
    def pipeline_field_access_pattern(self) -> bool:
        return self.at_least("9.2")

    @property
    def chunking_none_and_recursive(self) -> bool:
        # "none" and "recursive" chunking strategies: 9.1 (8.19 backport).
        return self.since("9.1", backport_8x="8.19")

    @property
    def scroll_context_id_with_session(self) -> bool:
        # SearchContextMissingException shows "[<session>][<id>] searcherId [null]" on 9.3.8,
        # 9.4.3 and 9.5.2; a bare "<id>" on 8.19.21 and 9.2.8.
        return self.at_least("9.3")

    def lucene_version(self) -> str:
        return "10.3.1" if self.major >= 9 else "9.12.2"

    def compatible_majors(self) -> tuple[int, int]:
        return (self.major, self.major - 1)
