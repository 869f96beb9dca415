"""dl-lint: check Debian source packages for trained machine-learning models."""

__version__ = "0.1.0"
