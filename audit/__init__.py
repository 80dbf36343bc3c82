"""audit: a quality auditor for machine-translated Arabic news articles."""

__version__ = "0.1.0"
