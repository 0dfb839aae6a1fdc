"""JSON and NDJSON: the identifying keys dropped.

The scanner names a value by its key path inside the record that holds it (``applicant.name``;
a record is an object, or an object in an array); the same path is dropped wherever it occurs
in such a record. Arrays of scalars under such a key go whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO

from approval.detect.textio import sniff_encoding
from approval.redact.base import Plan


class JsonRedactor:
    name = "json"

    def redact(self, source: Path, out: BinaryIO, plan: Plan) -> list[str]:
        raw = source.read_bytes()
        text = raw.decode(sniff_encoding(raw[:8192]) or "utf-8", errors="replace")
        keys = plan.keys()
        dropped: dict[str, int] = {}
        try:
            documents = [json.loads(text)]
            lines = False
        except ValueError:  # NDJSON: one document a line
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
            lines = True
        cleaned = [_drop(doc, "", keys, dropped) for doc in documents]
        if lines:
            body = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in cleaned)
        else:
            indent = 2 if "\n" in text.strip() else None
            body = json.dumps(cleaned[0], ensure_ascii=False, indent=indent) + "\n"
        out.write(body.encode("utf-8"))
        return [
            f"key {key} ({n} value{'s' if n != 1 else ''})" for key, n in sorted(dropped.items())
        ]


def _drop(value: Any, path: str, keys: set[str], dropped: dict[str, int]) -> Any:
    """``value`` without the keys in ``keys``; ``path`` is the key path inside the record."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if inner in keys or any(inner.endswith("." + k) for k in keys):
                dropped[inner] = dropped.get(inner, 0) + 1
                continue
            kept[key] = _drop(item, inner, keys, dropped)
        return kept
    if isinstance(value, list):
        # An object in an array is a record of its own: paths start again inside it.
        return [
            _drop(item, "" if isinstance(item, dict) else path, keys, dropped) for item in value
        ]
    return value


REDACTOR = JsonRedactor()
