"""Nothing of the integrity app is registered in the admin site, on purpose: administrators manage users
and roles, never tip-offs (docs/integrity.md, threat model). The ciphertexts would be useless there, and
even the metadata (which unit, when) is for inspectors only."""
