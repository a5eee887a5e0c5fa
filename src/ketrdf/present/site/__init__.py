"""``ketrdf site``: the reasoned graph as a static Linked Data website.

Layout (relative to the site's root; ``BASE`` is ``https://w3id.org/ketrdf/``): the subject
``BASE + P`` (``resource/...``, ``query/...``) has its English page at ``P.html``, its
Japanese page at ``ja/P.html`` and its description at ``P.ttl``, ``P.jsonld``, ``P.nt`` and
``P.rdf``; the ontology term ``BASE + "ontology#Name"`` has ``ontology/Name.html`` and so on,
and the ontology itself ``ontology.html``. See :mod:`ketrdf.present.site.paths`.
"""
