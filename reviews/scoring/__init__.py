"""The criteria grid, the reviews and their scores, the reviewer's area."""
