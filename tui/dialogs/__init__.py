"""Dialogs every feature builds on: the command form, and the quit question."""
