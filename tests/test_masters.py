"""Refusals that mean the accounting system lost an item or a customer,
recognised in each provider's words (``accounting_connectors.masters``)."""

import pytest

from accounting_connectors.masters import missing_master


@pytest.mark.parametrize("provider, code, params, said, expected", [
    ("accurate", None, None, "Barang & Jasa tidak tepat", ("item", "")),
    ("accurate", None, None, "Item & Service is not valid", ("item", "")),
    ("accurate", None, None, "Pelanggan tidak tepat", ("customer", "")),
    ("jurnal", None, None, "Product not found: KOPI-01", ("item", "KOPI-01")),
    ("jurnal", None, None, "Person customer UMUM not found", ("customer", "UMUM")),
    ("jurnal", "jurnal.no_product", {"sku": "ROTI-01"}, "", ("item", "ROTI-01")),
])
def test_refusals_naming_a_lost_master_are_recognised(provider, code, params, said, expected):
    assert missing_master(provider, code, params, said) == expected


@pytest.mark.parametrize("provider, said", [
    ("accurate", "Data Usaha tidak tepat"),
    ("accurate", "Pajak tidak tepat"),
    ("jurnal", "Account 1-10001 not found"),
    ("jurnal", "Warehouse Utama not found"),
    ("accurate", ""),
])
def test_other_refusals_are_not_taken_for_a_lost_master(provider, said):
    assert missing_master(provider, None, None, said) is None
