"""Masters of the Accurate imitation: how ``save.do`` builds (and checks)
a customer, vendor, item, tax, warehouse or GL account. Mixed into
:class:`.accurate_store.AccurateStore` (uses its ``lookup``)."""


from .accurate_vocab import Refused, money, text


class AccurateMastersMixin:
    """Mixed into :class:`.accurate_store.AccurateStore`."""

    def _build_customer(self, p):
        fields = ("email", "mobilePhone", "billStreet", "billCity", "billZipCode", "billCountry", "npwpNo",
                  "nitku")
        record = {"name": text(p, "name"), "customerNo": p.get("customerNo") or p.get("number") or ""}
        record.update({f: str(p[f]) for f in fields if p.get(f)})
        _check_tax_number(record, "npwpNo", (15, 16))
        _check_tax_number(record, "nitku", (22,))
        return record, []

    def _build_vendor(self, p):
        return {"name": text(p, "name"), "vendorNo": p.get("vendorNo") or ""}, []

    def _build_item(self, p):
        item_type = p.get("itemType") or "INVENTORY"
        if item_type not in ("INVENTORY", "SERVICE", "NON_INVENTORY", "GROUP"):
            raise Refused("bad_field", "itemType")
        unit = p.get("unit1Name") or "PCS"
        record = {"no": p.get("no") or "", "name": text(p, "name"), "itemType": item_type,
                  "unit1Name": unit, "unit1": {"name": unit},
                  "unitPrice": money(p, "unitPrice", required=False)}
        record.update({f: p[f] for f in ("upcNo", "vendorPrice") if p.get(f) not in (None, "")})
        if p.get("percentTaxable") not in (None, ""):
            # "persentase dasar pengenaan pajak" (DPP), default 100
            percent = money(p, "percentTaxable")
            if not 0 < percent <= 100:
                raise Refused("bad_field", "percentTaxable")
            record["percentTaxable"] = percent
        if p.get("salesGlAccountNo"):
            record["salesGlAccountNo"] = self.lookup("glaccount", str(p["salesGlAccountNo"]))["no"]
        return record, []

    def _build_tax(self, p):
        tax_type = p.get("taxType") or "PPN"
        if tax_type not in ("PPN", "PPNBM", "PPH23", "PPHPS4", "PPH21", "PPH15", "PPH22"):
            raise Refused("bad_field", "taxType")
        self.lookup("glaccount", text(p, "salesTaxGlAccountNo"))
        self.lookup("glaccount", text(p, "purchaseTaxGlAccountNo"))
        return {"description": text(p, "description"), "rate": money(p, "rate"), "taxType": tax_type,
                "salesTaxGlAccountNo": p["salesTaxGlAccountNo"],
                "purchaseTaxGlAccountNo": p["purchaseTaxGlAccountNo"]}, []

    def _build_warehouse(self, p):
        return {"name": text(p, "name"), "description": p.get("description", "")}, []

    def _build_glaccount(self, p):
        return {"no": text(p, "no"), "name": text(p, "name"), "accountType": text(p, "accountType")}, []


def _check_tax_number(record, field, lengths):
    """A customer's tax number as Accurate's form takes it: digits (the
    separators of 01.234.567.8-901.000 dropped) of one of ``lengths``;
    stored as digits. The refusal's wording is unconfirmed."""
    if field not in record:
        return
    digits = "".join(ch for ch in record[field] if ch not in " .-")
    if not digits.isdigit() or len(digits) not in lengths:
        raise Refused("tax_number", field, record[field])
    record[field] = digits
