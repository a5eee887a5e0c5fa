"""SHACL validators behind one protocol, chosen by name from one registry.

A :class:`Validator` checks a :class:`~ketrdf.knowledge_graph.KnowledgeGraph` (reading
the view of it that suits it) against a shapes graph and returns SHACL's own validation
report; :func:`ketrdf.pipeline.validate.validate` checks the shapes first and words the
report. Two are registered: ``fast`` (pyshacl-turbo, the default) and ``pyshacl`` (the
reference). Neither infers (the graph is reasoned) nor follows ``owl:imports``.
Another validator is one :func:`register_validator` call; ``--validator`` lists
:func:`validator_names`. This module imports no engine until one is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ketrdf.engines.registry import Registry
from ketrdf.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph

    from ketrdf.knowledge_graph import KnowledgeGraph

DEFAULT_VALIDATOR = "fast"


class Validator(Protocol):
    """A SHACL engine."""

    name: str
    #: The SPARQL engine (a name of :mod:`ketrdf.engines.sparql`) the QC checks run on with it.
    sparql_engine: str

    def report(self, kg: KnowledgeGraph, shapes: Graph) -> tuple[bool, Graph]:
        """Whether ``kg`` conforms to ``shapes``, and the SHACL validation report.

        Raises :class:`InputError` when the engine cannot check the shapes.
        """
        ...


def _checked(name: str, outcome: tuple[object, object, object]) -> tuple[bool, Graph]:
    from rdflib import Graph

    conforms, report, text = outcome
    if not isinstance(report, Graph):  # pyshacl-turbo reports a failure instead of raising it
        raise InputError(f"shapes: the {name} validator cannot check them: {text}")
    return bool(conforms), report


class FastValidator:
    """pyshacl-turbo, a SHACL engine in Rust with pyshacl's interface, on the graphs in place."""

    name = DEFAULT_VALIDATOR
    sparql_engine = "oxigraph"

    def report(self, kg: KnowledgeGraph, shapes: Graph) -> tuple[bool, Graph]:
        """Validate the union view of ``kg`` (nothing copied)."""
        # rdflib graphs, not an Oxigraph store: from a store, pyshacl-turbo 0.6.5 takes the
        # data's "a" (xsd:string) for a term other than the shapes' "a" (sh:in, sh:hasValue), and
        # the store keeps a literal's value, not its lexical form ("5.0"^^xsd:decimal reads "5").
        # Nor the N-Quads text (KnowledgeGraph.nquads): parsed by pyshacl-turbo, it takes about
        # 1.3 s less CPU at 100k but three times the memory (+147 MB against +53 MB at 100k).
        from pyshacl_turbo import validate

        return _checked(self.name, validate(kg.union_view(), shacl_graph=shapes, inference="none",
                                            advanced=True, do_owl_imports=False, inplace=False))


class PyshaclValidator:
    """pyshacl, the reference, on a copy of the union."""

    name = "pyshacl"
    sparql_engine = "rdflib"

    def report(self, kg: KnowledgeGraph, shapes: Graph) -> tuple[bool, Graph]:
        """Validate :meth:`KnowledgeGraph.union` (a copy pyshacl may use in place)."""
        from pyshacl import validate

        # inplace: no second copy (no inference, and check_shapes refuses sh:rule)
        return _checked(self.name, validate(kg.union(), shacl_graph=shapes, inference="none",
                                            advanced=True, do_owl_imports=False, inplace=True))


#: The engines of ``--validator``.
VALIDATORS = Registry[Callable[[], Validator]](
    "validator", {FastValidator.name: FastValidator, PyshaclValidator.name: PyshaclValidator})
register_validator = VALIDATORS.register
validator_names = VALIDATORS.names


def get_validator(name: str = DEFAULT_VALIDATOR) -> Validator:
    """The validator registered as ``name``: ``fast`` (the default) or ``pyshacl`` (the reference)."""
    return VALIDATORS.factory(name)()
