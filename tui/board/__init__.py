"""The team board: the findings list, its filters, the finding form and the roster."""
