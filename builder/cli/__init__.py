"""The command line (python -m builder), for advocates with many families. Never shipped to the
browser."""
