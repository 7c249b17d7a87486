"""Submissions (报送): freezing a table for a period with its digest and verification code,
returning and resubmitting (services.py), who is late (status.py), the stamped workbook of a
submission or a draft and /verify/ (workbooks.py, reading.py, digest.py), their forms and filter."""
