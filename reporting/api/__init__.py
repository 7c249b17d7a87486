"""The /api/ of reporting: submissions and report tables, long exports, accountability."""
