"""Reader for zip files (stub: accepts nothing until it is written)."""

from __future__ import annotations

from collections.abc import Iterator

from approval.detect.units import Limits, Source, Unit, Unscannable


class _Stub:
    name = "zip"

    def accepts(self, head: bytes, name: str) -> bool:
        return False

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        raise Unscannable("unsupported format: zip")


READER = _Stub()
