"""Namespaces of the planlineage graph, as pyoxigraph NamedNode factories.

``PL`` lists the terms of ``ontology/planlineage.ttl`` and refuses any other
(like rdflib's generated ``DefinedNamespace`` with ``_fail = True``); a test
checks that the list and the Turtle file define the same terms.

>>> PL.Plan.value
'https://w3id.org/planlineage/ontology#Plan'
>>> ELI.based_on.value
'http://data.europa.eu/eli/ontology#based_on'
"""
from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace:
    """IRI prefix; ``NS.term`` and ``NS["term"]`` give a NamedNode.

    base (str): the namespace IRI.
    terms (tuple | None): the only terms allowed, or None for any.
    """

    def __init__(self, base: str, terms: tuple[str, ...] | None = None):
        self.base = base
        self.terms = frozenset(terms) if terms is not None else None

    def __getitem__(self, name: str) -> NamedNode:
        if self.terms is not None and name not in self.terms:
            raise AttributeError(f"term {name} is not defined in {self.base}")
        return NamedNode(self.base + name)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __str__(self) -> str:
        return self.base


PL_TERMS = (
    "Plan", "Directive", "Decision", "OfficialLetter", "Resolution", "Task", "Target", "Locality",
    "Province", "Commune", "IdentityResolution",
    "docType", "level", "province", "commune", "locatedIn", "signer", "sourceFile", "checksum",
    "extractor", "supersededBy", "objective", "sameAsEvidence", "alias", "canonical", "statedIn",
    "ref", "theme", "activity", "training", "leadUnit", "cooperatingUnit", "period", "hasTarget",
    "score", "alignedTheme", "lines", "lineStart", "lineEnd", "sourcePath", "planIdentity",
    "value", "unit", "per", "atLeast", "scope", "nameKey", "unionComplete", "answerRows",
)

PL = Namespace("https://w3id.org/planlineage/ontology#", PL_TERMS)
PLID = Namespace("https://w3id.org/planlineage/id/")
PLTH = Namespace("https://w3id.org/planlineage/theme/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
OA = Namespace("http://www.w3.org/ns/oa#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
FREQ = Namespace("http://purl.org/cld/freq/")

#: Prefixes for SPARQL text and serialisations.
PREFIXES = {
    "pl": PL.base, "plid": PLID.base, "plth": PLTH.base, "eli": ELI.base, "p-plan": PPLAN.base,
    "prov": PROV.base, "org": ORG.base, "time": TIME.base, "dcterms": DCTERMS.base,
    "skos": SKOS.base, "oa": OA.base, "rdf": RDF.base, "rdfs": RDFS.base, "owl": OWL.base,
    "xsd": XSD.base,
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above.

    RETURNS (str): text to put before a query.
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
