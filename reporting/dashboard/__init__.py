"""领导驾驶舱: the figures of a leader's dashboard (figures.py) and their cache, kept until the
data under them changes (cache.py)."""
