"""Drafting charters: templates, `charter init`."""
