"""A stateful local imitation of Accurate Online and Jurnal.

``python -m accounting_connectors.sandbox --port 8899`` serves both APIs on
their real paths; :class:`SandboxServer` runs it in a thread for tests.
"""

from .server import SandboxServer  # noqa: F401
