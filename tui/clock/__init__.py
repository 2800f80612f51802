"""Fieldwork dates and the reporting clock."""
