"""unsealed: turn a leaked cache of files into verified, searchable, publishable evidence."""

__version__ = "0.1.0"
