"""Reporting pages, one module a subject: submissions and tables, long exports, the
dashboard, the accountability ledger and the public pages (/verify/, /public/)."""
