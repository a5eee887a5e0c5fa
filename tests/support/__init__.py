"""Helpers shared by the tests; none of them is a test."""
