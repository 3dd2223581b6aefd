"""Masking of what a demand shows the public: massline.lib.masking is the one implementation (contacts,
ID numbers, house numbers, names); cases' modules and templates import it from here as before."""

from massline.lib.masking import HIDDEN, mask_address, mask_name, mask_public, mask_text

__all__ = ["HIDDEN", "mask_address", "mask_name", "mask_public", "mask_text"]
