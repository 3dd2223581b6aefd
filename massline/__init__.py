"""Massline: a platform for local governments to serve the people."""

__version__ = "0.1.0"
