"""The case sample: the Annex A list, sampling, tracking each child's case."""
