"""The township ledger (排查台账): every enterprise found, its permits, problems and full history."""
