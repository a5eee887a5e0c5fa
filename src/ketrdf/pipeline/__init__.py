"""The build pipeline, one stage per module: sources, reason, validate and QC, export, cache, build."""
