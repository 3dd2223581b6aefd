"""Append-only, hash-chained audit trail of who did what to which object, and of sensitive reads."""
