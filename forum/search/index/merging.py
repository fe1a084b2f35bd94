"""Which segments a commit merges: small ones only, so that no request waits long.

A rebuild writes segments of REBUILD_SEGMENT_DOCS documents. Each change a drain applies
adds a tiny segment; once a size tier (1-9, 10-99, 100-999 documents) holds
SEGMENTS_PER_TIER segments, the next commit merges that tier, about 10,000 documents at
most. Larger segments are left alone until the next `flask forum reindex`, which a busy
forum may run now and then to compact the index (one per ~1,000 changes accumulates).
"""

import math

from whoosh.reading import SegmentReader

# So that a rebuild's postings never spill to temporary files (see building.SEGMENT_WRITER).
REBUILD_SEGMENT_DOCS = 10_000
SEGMENTS_PER_TIER = 10
MERGED_TIERS = 3


def _tier(segment) -> int:
    return int(math.log10(max(1, segment.doc_count_all())))


def merge_small(writer, segments) -> list:
    """Commit policy for drains: merge the first full tier of small segments."""
    for tier in range(MERGED_TIERS):
        chosen = [segment for segment in segments if _tier(segment) == tier]
        if len(chosen) >= SEGMENTS_PER_TIER:
            for segment in chosen:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [segment for segment in segments if segment not in chosen]
    return segments
