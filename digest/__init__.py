"""digest: a static-site generator for a curated election-news digest."""
__version__ = "0.1.0"
