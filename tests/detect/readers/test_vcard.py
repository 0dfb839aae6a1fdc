"""Contacts, calendars and directory exports read as their tools show them
(``approval.detect.readers.vcard``): folded lines joined, encoded values decoded, in the
encoding their bytes are in, wherever the card starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers import readers
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus import claims

_WITHOUT = tuple(r for r in readers() if r.name != "vcard")


def _classes(path: Path, policy: Policy, data: bytes, *, vcard: bool = True) -> dict[str, int]:
    path.write_bytes(data)
    report = scan_file(path, policy) if vcard else scan_file(path, policy, readers=_WITHOUT)
    return dict(report.classes)


@pytest.mark.parametrize("case", sorted(claims.directory_files()))
def test_folded_and_encoded_values_are_read_decoded(
    tmp_path: Path, policy: Policy, case: str
) -> None:
    data = claims.directory_files()[case]
    assert "protected-person" in _classes(tmp_path / "contacts.vcf", policy, data), case
    # Only the decoding finds the claim: as stored, the words are cut or encoded.
    assert "protected-person" not in _classes(tmp_path / "raw.vcf", policy, data, vcard=False)


@pytest.mark.parametrize("case", sorted(claims.directory_carriers()))
def test_a_list_carried_in_a_directory_file_is_found(
    tmp_path: Path, policy: Policy, case: str
) -> None:
    data = claims.directory_carriers()[case]
    path = tmp_path / "contacts.vcf"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert report.classes.get("protected-person", 0) == 6, (case, report.classes)
    # The scan core decodes data URIs and long base64 in any text too (``detect.carried``,
    # ``detect.blobs``: its ``base64-1``, ``data-uri-1``), a second net under this one: the
    # vcard reader's own decoding finds the list in the value it decoded.
    parts = {str(finding.location.get("part", "")) for finding in report.findings}
    assert any(part.endswith("-value") for part in parts), (case, parts)


def test_a_card_with_a_plain_note_stays_clean(tmp_path: Path, policy: Policy) -> None:
    card = (
        "Contacts exported 2022-11-28\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Front desk\r\n"
        "NOTE:data:text/plain,Open%20Monday%20to%20Friday\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "desk.vcf"
    path.write_bytes(card.encode())
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason
    assert "vcard" in report.format
