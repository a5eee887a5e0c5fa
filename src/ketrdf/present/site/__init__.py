"""``ketrdf site``: the reasoned graph as a static Linked Data website."""
