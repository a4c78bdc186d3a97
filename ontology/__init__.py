"""planlineage.ontology."""
