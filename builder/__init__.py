"""IEP Follow-Through: the shared core (case, gap, letters, jurisdictions) and its adapters."""
