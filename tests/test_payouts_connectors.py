"""Payouts at the connector layer: a bank transfer with an MDR fee is
checked before it leaves (fee below the amount, a fee account), and the
Accurate imitation refuses what Accurate would (no amount, a charge of
nothing, charges that leave nothing to transfer), in Accurate's words."""

from datetime import date
from decimal import Decimal as D

import pytest
import requests

from accounting_connectors.accurate import auth
from accounting_connectors.client import make_client
from accounting_connectors.documents import BankTransfer
from accounting_connectors.errors import ConnectorError
from accounting_connectors.sandbox.accurate import API_TOKEN, SIGNATURE_SECRET

DAY = date(2026, 6, 15)


def save(sandbox, module, body):
    """POST ``body`` to Accurate's ``<module>/save.do``, signed; the answer's JSON."""
    stamp = auth.format_timestamp(sandbox.now())
    headers = {"Authorization": "Bearer " + API_TOKEN, "X-Api-Timestamp": stamp,
               "X-Api-Signature": auth.sign(SIGNATURE_SECRET, stamp)}
    return requests.post(sandbox.url + "/accurate/api/%s/save.do" % module, json=body, headers=headers,
                         timeout=5).json()


def transfer(amount, charges=()):
    return {"number": "PAYOUT-T", "transDate": "15/06/2026", "fromBankNo": "1101", "toBankNo": "1102",
            "fromBankAmount": amount,
            "detailBankTransfer": [{"accountNo": "6101", "amount": c, "bankChargeType": "FROM",
                                    "expenseName": "Biaya MDR"} for c in charges]}


def test_accurate_refuses_a_transfer_of_nothing_or_fees_eating_it_all(sandbox):
    assert save(sandbox, "bank-transfer", transfer(0))["d"] == ['Invalid field value for field "fromBankAmount".']
    assert save(sandbox, "bank-transfer", transfer(1000, [0]))["d"] == ['Invalid field value for field "amount".']
    assert save(sandbox, "bank-transfer", transfer(1000, [600, 400]))["d"] == [
        'Invalid field value for field "detailBankTransfer".']
    assert save(sandbox, "bank-transfer", dict(transfer(1000), fromBankNo="6101"))["d"] == [
        "Akun 6101 bukan akun Kas/Bank"]
    ok = save(sandbox, "bank-transfer", transfer(1000000, [7000]))
    assert ok["s"] is True
    assert sandbox.app("accurate").dump("account_money")["1102"] == D("993000")


@pytest.mark.parametrize("provider,accounts", [("accurate", ("1101", "1102", "6101")),
                                                ("jurnal", ("1-10001", "1-10002", "6-60217"))])
def test_a_fee_needs_its_account_and_must_be_below_the_amount(sandbox, provider, accounts):
    client = make_client(getattr(sandbox, "%s_config" % provider)(rate_limits=[(1000, 1.0)]))
    src, dst, fee_account = accounts
    with pytest.raises(ConnectorError, match="less than the amount"):
        client.post(BankTransfer("PAYOUT-A", date=DAY, from_account=src, to_account=dst,
                                 amount=D("7000"), fee=D("7000"), fee_account=fee_account))
    with pytest.raises(ConnectorError, match="no fee account"):
        client.post(BankTransfer("PAYOUT-B", date=DAY, from_account=src, to_account=dst,
                                 amount=D("1000000"), fee=D("7000")))
    result = client.post(BankTransfer("PAYOUT-C", date=DAY, from_account=src, to_account=dst,
                                      amount=D("1000000"), fee=D("7000"), fee_account=fee_account))
    assert result.remote_id
    assert client.find("bank_transfer", "PAYOUT-C").remote_id == result.remote_id
