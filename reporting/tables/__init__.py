"""The report tables that go upward (seed 003 附件2–4, seed 004 附件1–2, 月报): the registry
and base classes in base.py, the tables built on the ledger in ledger.py and those built on
cases and inspections in cases.py. Importing the package registers every table."""

from accounts.sheets import Column, header_depth

from . import cases, ledger
from .base import (
    PerUnitTable,
    ReportTable,
    TableData,
    all_tables,
    get_table,
    html_header,
    register,
    table_choices,
    tables_submitted_at,
)
from .ledger import LedgerTable, SurveySummaryTable

__all__ = [
    "Column",
    "LedgerTable",
    "PerUnitTable",
    "ReportTable",
    "SurveySummaryTable",
    "TableData",
    "all_tables",
    "cases",
    "get_table",
    "header_depth",
    "html_header",
    "ledger",
    "register",
    "table_choices",
    "tables_submitted_at",
]
