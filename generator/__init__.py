"""Static archive generator for Arabic and English news.

Data flows one way: raw file -> cleaned article -> archive model -> rendered pages -> search index.
"""

__version__ = "0.1.0"
