"""Widgets every feature draws with: plain text, labels, the guard notice."""
