"""Helpers with no models: errors, masking of personal data, CSV."""
