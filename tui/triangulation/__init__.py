"""Triangulation: links between findings, lines of enquiry, the criteria coverage view and a child's journey."""
