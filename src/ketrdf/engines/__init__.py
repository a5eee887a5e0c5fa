"""The engines: OWL RL reasoners, SHACL validators and SPARQL engines, and bounded execution."""
