"""Jurnal (Mekari Jurnal) connector: HMAC auth, mapping, client."""
