"""planlineage.queries."""
