"""Imitation of Accurate Online (account layer and data layer).

SKELETON: to be completed (see the connector issue)."""

from ..client import ConnectionConfig
from .base import ProviderApp


class AccurateApp(ProviderApp):
    name = "accurate"
    prefixes = ("/api/", "/accurate/", "/oauth/")

    def client_config(self, **kwargs):
        return ConnectionConfig(provider="accurate", base_url=self.server.url, **kwargs)
