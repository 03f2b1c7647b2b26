"""The ranking of a wave's reviewed files and the statistics of their scores."""
