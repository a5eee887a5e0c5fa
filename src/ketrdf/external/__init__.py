"""External ontologies: the SSSOM mapping table, OBO modules, ChEBI link proposals."""
