"""The sandbox answers reads of purchases as the real services do when a
document is gone, was never created, or is not visible yet, and sends
Accurate's webhook for any id (a delivery that is early, late or forged):
what the addon's "verify before acting" tests rely on."""

import pytest
from test_purchase_edits import admin, hooks  # noqa: F401 - the fixture is used by name

from accounting_connectors.client import make_client
from accounting_connectors.errors import NotFoundError

LINE = {"itemNo": "KOPI", "quantity": 5, "unitPrice": 1000, "warehouseName": "Utama"}


@pytest.fixture()
def accurate(sandbox):
    sandbox.app("accurate").store.save("item", {"no": "KOPI", "name": "Kopi", "itemType": "INVENTORY"})
    return make_client(sandbox.accurate_config())


def test_accurate_deleted_and_never_created_ids_read_as_not_found(sandbox, accurate):
    created = admin(sandbox, "POST", "accurate", {"vendorNo": "V.00001", "transDate": "16/05/2024",
                                                  "detailItem": [LINE]})
    admin(sandbox, "DELETE", "accurate/%s" % created["id"])
    for remote_id in (created["id"], created["id"] + 50):
        with pytest.raises(NotFoundError) as caught:
            accurate.fetch_purchase("invoice", remote_id)
        # accurate-notes: detail.do of a missing id is HTTP 200 {"s": false, "d": ["... tidak tepat"]}
        assert "tidak tepat" in caught.value.provider_message


def test_not_found_fault_hides_a_new_document_once(sandbox, accurate):
    created = admin(sandbox, "POST", "accurate", {"vendorNo": "V.00001", "transDate": "16/05/2024",
                                                  "detailItem": [LINE]})
    sandbox.add_fault("not_found", provider="accurate", path_contains="purchase-invoice/detail")
    with pytest.raises(NotFoundError):
        accurate.fetch_purchase("invoice", created["id"])
    assert accurate.fetch_purchase("invoice", created["id"]).reference == created["number"]


def test_jurnal_not_found_fault_answers_as_a_deleted_invoice(sandbox):
    jurnal = make_client(sandbox.jurnal_config())
    sandbox.app("jurnal").store.add("products", {"name": "Kopi", "product_code": "KOPI",
                                                 "unit": {"id": 1, "name": "Pcs"}, "track_inventory": True})
    created = admin(sandbox, "POST", "jurnal", {"purchase_invoice": {
        "person_name": "PT Pemasok", "transaction_date": "16/05/2024", "warehouse_name": "Gudang Utama",
        "transaction_lines_attributes": [{"product_code": "KOPI", "quantity": 2, "rate": 1000}]}})
    sandbox.add_fault("not_found", provider="jurnal", path_contains="purchase_invoices/%s" % created["id"])
    with pytest.raises(NotFoundError):
        jurnal.fetch_purchase("invoice", created["id"])
    assert not jurnal.fetch_purchase("invoice", created["id"]).deleted
    admin(sandbox, "DELETE", "jurnal/%s" % created["id"])
    with pytest.raises(NotFoundError):
        jurnal.fetch_purchase("invoice", created["id"])


def test_announce_sends_a_delete_for_a_purchase_that_still_exists(sandbox, accurate, hooks):  # noqa: F811
    created = admin(sandbox, "POST", "accurate", {"vendorNo": "V.00001", "transDate": "16/05/2024",
                                                  "detailItem": [LINE]})
    hooks(1)
    answer = admin(sandbox, "POST", "accurate/%s/announce" % created["id"], {"action": "DELETE"})
    [event] = hooks(1)
    assert (event.type, event.action, event.remote_id) == ("PURCHASE_INVOICE", "DELETE", str(created["id"]))
    assert answer["d"][0]["data"][0]["action"] == "DELETE"
    assert accurate.fetch_purchase("invoice", created["id"]).reference == created["number"], "still there"
    admin(sandbox, "POST", "accurate/%s/announce" % (created["id"] + 7), {"type": "receipt"})
    [early] = hooks(1)
    assert (early.type, early.action) == ("RECEIVE_ITEM", "WRITE")
    admin(sandbox, "POST", "accurate/x/announce", {}, status=422)
    admin(sandbox, "POST", "accurate/%s/shout" % created["id"], {}, status=404)
