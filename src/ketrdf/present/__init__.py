"""Views of the reasoned graph for people: ``ketrdf show`` and the vocabulary reference (``ketrdf docs``).

Each view is built as data (frozen dataclasses) by reading the graph through the SPARQL
gate; renderers turn the data into text, Markdown or JSON, so other renderings (HTML)
can be added without touching how the views are read.
"""
