"""Releases people can cite and compare: versioned release folders and diffs between builds."""
