"""Accurate Online (CPSSoft): API-token/OAuth auth, payload mapping, client
and webhook parsing. Facts come from ../shared/contracts/accurate-notes.md."""

from .client import AccurateClient  # noqa: F401
