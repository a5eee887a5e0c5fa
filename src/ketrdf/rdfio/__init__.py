"""RDF in and out: bounded reading, parsing one file, term conversion, atomic file output."""
