"""planlineage: a knowledge graph of plan lineage and responsibilities.

Vietnamese government plan documents ("Kế hoạch") become extraction records
(:mod:`planlineage.extract`), then RDF (:mod:`planlineage.graph`), answered with
named SPARQL queries and plain questions (:mod:`planlineage.queries`) and drawn
as interactive HTML (:mod:`planlineage.viz`).

Importing this package has no side effects: no store is opened, spaCy is not
loaded, no data file is read.

>>> import planlineage
>>> planlineage.__version__
'0.1.0'
"""
from pathlib import Path

__version__ = "0.1.0"

#: Folder of the bundled corpus (the five plans of the repository's data/).
DATA_DIR = Path(__file__).resolve().parent / "data"
