"""Importing a township's own 附件1 ledger: reading the file (reading.py), checking each row
(rows.py, values.py) and the preview → commit services (services.py)."""
