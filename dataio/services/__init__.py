"""Writes of the import: accounts (dataio.services.accounts) and outcomes (.outcomes)."""
