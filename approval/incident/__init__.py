"""Incidents run from the ledger (issue 16): pure views over an incident's verified records."""
