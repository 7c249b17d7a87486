"""Browser pages of the inspections app, one module per subject."""
