"""Saved queries and the SPARQL gate: reading ``.rq`` files, parameters, VALUES injection, results."""
