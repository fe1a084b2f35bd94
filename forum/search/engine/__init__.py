"""The Whoosh engine pieces: analysis, schema, decoded segments, matching and spelling (README)."""
