"""Files of given bytes, scanned as a user's file is: for the tests of what the readers leave
unread (``test_binary_remainder``, ``test_unheld_bytes``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy

HARMLESS = b"Month,Total\n2022-01,5\n2022-02,7\n2022-03,9\n"


def scan_bytes(tmp_path: Path, policy: Policy, data: bytes, name: str = "f") -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy)


def zip_of(*members: tuple[str, bytes], comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.comment = comment
    return buffer.getvalue()
