"""Domain rules as plain functions.

Each takes the acting user explicitly, flushes but never commits: the caller
(a view, an API endpoint or a CLI command) commits once, so one command is one
transaction.
"""
