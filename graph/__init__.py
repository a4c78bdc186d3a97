"""planlineage.graph."""
