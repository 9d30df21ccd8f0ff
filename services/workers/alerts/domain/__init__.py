"""The alert rules, pure: facts and an instant in, alerts out (no I/O, no clock of their own)."""
