"""Index maintenance: documents, the outbox, writers, storage, merging and the runtime (README)."""
