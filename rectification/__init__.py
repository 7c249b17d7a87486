"""Remediation cases (一企一策): disposal, the closure workflow, verification, 销号 and reminders."""
