"""问责台账: who answers for what is late or relapsed — the computed list (ledger.py), the
actions recorded against a unit (services.py), their form, filter and .xlsx export."""
