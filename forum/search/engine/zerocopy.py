"""Open searchers without copying the index into RAM (the BufferFile trap in MEASURED.md).

whoosh wraps every sub-file of a memory-mapped compound segment in `BytesIO(buffer)`, which
copies the terms and postings on every searcher open: 230-300 ms and +460 MB at 100,000
documents. A read-only file over the mapped memoryview gives the same bytes for ~1 ms.
"""

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class MemoryViewFile:
    """The read side of BytesIO over a memoryview, without copying it."""

    def __init__(self, view: memoryview):
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._view) if size is None or size < 0 else self._position + size
        end = self._position
        # Lines only occur in pickled headers, which are short: a byte loop is cheap here.
        while end < min(limit, len(self._view)):
            end += 1
            if self._view[end - 1] == 0x0A:
                break
        return self.read(end - self._position)

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        """Nothing to flush: the file is read-only."""

    def close(self) -> None:
        self._view = memoryview(b"")


class ZeroCopyBufferFile(BufferFile):
    """whoosh's BufferFile, reading the mapped memory in place."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = MemoryViewFile(memoryview(buf))

    def subset(self, position, length, name=None):
        return ZeroCopyBufferFile(self._buf[position : position + length], name=name or self._name)


def install() -> None:
    """Make compound segments open through ZeroCopyBufferFile (idempotent)."""
    compound.BufferFile = ZeroCopyBufferFile
