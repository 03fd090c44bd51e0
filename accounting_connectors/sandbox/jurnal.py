"""Imitation of Jurnal behind the Mekari API gateway (and the legacy path).

SKELETON: to be completed (see the connector issue)."""

from ..client import ConnectionConfig
from .base import ProviderApp


class JurnalApp(ProviderApp):
    name = "jurnal"
    prefixes = ("/public/jurnal/", "/core/api/")

    def client_config(self, **kwargs):
        return ConnectionConfig(provider="jurnal", base_url=self.server.url, **kwargs)
