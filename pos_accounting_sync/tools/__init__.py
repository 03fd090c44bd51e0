"""Plain Python of the addon: no model is defined here. The document
builders, money helpers, the shop's business day, settlement CSV parsing
and reconciliation figures receive records or plain values from the
models that call them.

Nothing is imported here on purpose: each model file imports the tool it
uses, so loading this package never loads model code out of order."""
