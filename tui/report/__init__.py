"""The report preview: the summary and agency reports traced to findings."""
