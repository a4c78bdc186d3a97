"""planlineage.viz."""
