"""Meetings: the KIT agenda and notes, and the final meeting that freezes the grades."""
