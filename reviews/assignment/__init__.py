"""Who reviews what: committees, assignments, conflicts of interest."""
