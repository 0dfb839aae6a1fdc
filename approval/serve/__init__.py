"""``approval serve``: the gate at the web server, a decision service for its auth sub-request.

- ``paths``: a request target mapped onto the document root as nginx maps it, or refused;
- ``gate``: the decisions, cached by the file's stat key and sha256, scanned once per file in a
  bounded pool, re-decided when the ledger moves;
- ``follower``: the verified ledger, followed as it grows, and ``approval check``'s decision;
- ``store``: the decided copies the web server serves, so that a file replaced after the
  answer is never served undecided;
- ``refusals``: the first refusal of each file, one JSON line, no content and no names;
- ``record``: with ``--key``, each first refusal signed into the ledger as a ``blocked``
  statement, from a thread of its own, rate-limited;
- ``app``: the ASGI application uvicorn serves.

It sits between ``approval.workflow`` (``workflow/serve.py`` builds and runs it) and the ledger.
"""
