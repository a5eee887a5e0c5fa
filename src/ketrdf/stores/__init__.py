"""Triple stores: a remote SPARQL 1.1 endpoint client, pushing the build to a store, a local server."""
