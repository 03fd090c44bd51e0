"""A stateful local imitation of Accurate Online and Jurnal.

``python -m accounting_connectors.sandbox --port 8899`` serves both APIs on
their real paths; :class:`SandboxServer` runs it in a thread for tests.

It checks a request's signature with the clients' own code
(``accurate.auth.sign``, ``jurnal.auth.signature``), so it is no independent
judge of signing: a wrong signature both sides compute alike passes here.
The independent check is ``tests/test_accurate_auth.py`` and
``tests/test_jurnal_auth.py``, which compute the signatures there with
:mod:`hmac` and :mod:`hashlib`.
"""

from .server import SandboxServer  # noqa: F401
