"""Exposure records: who each export exposed, readable by the privacy office only (issue 16)."""
