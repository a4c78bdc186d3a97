"""Store engine comparison on the same triples: pyoxigraph directly, rdflib over oxrdflib, rdflib Memory.

Usage: python bench/engines.py STORE_DIR   (a store built by `planlineage build`, e.g. a bench/run size)
Loads the document graphs of the store as N-Quads into each engine, then times (median of runs,
first run discarded) a bound lineage path, the reverse closure of 1703/QĐ-TTg and "units leading
inspection tasks". Writes bench/results/engines.json.
"""
import time, statistics, sys
import pyoxigraph as ox
import rdflib
from pathlib import Path
src = sys.argv[1]
st = ox.Store.read_only(src)
quads = [q for q in st.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)]
nq = "\n".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in quads)
print("quads", len(quads))
AGG = """PREFIX pl: <https://w3id.org/planlineage/ontology#> PREFIX p-plan: <http://purl.org/net/p-plan#>
SELECT ?unit (COUNT(DISTINCT ?task) AS ?n) WHERE { ?task pl:theme <https://w3id.org/planlineage/theme/inspection> ; pl:leadUnit ?unit ; p-plan:isStepOfPlan ?plan } GROUP BY ?unit"""
BOUND = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?a WHERE { <https://w3id.org/planlineage/id/doc/1703-qd-ttg> eli:ensures_implementation_of+ ?a }"""
REV = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT (COUNT(?c) AS ?n) WHERE { ?c eli:ensures_implementation_of+ <https://w3id.org/planlineage/id/doc/1703-qd-ttg> }"""
def t(f, n=5):
    f(); xs=[]
    for _ in range(n):
        a=time.perf_counter(); f(); xs.append((time.perf_counter()-a)*1000)
    return round(statistics.median(xs),2)
# pyoxigraph in memory, union as set (default graph) 
ox_store = ox.Store()
a=time.perf_counter()
ox_store.load(nq.encode(), ox.RdfFormat.N_QUADS)
ox_store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
ox_load=time.perf_counter()-a
res={"pyoxigraph": {"load_s": round(ox_load,2)}}
for name,q in [("bound_path",BOUND),("reverse_closure",REV),("units_of_theme",AGG)]:
    res["pyoxigraph"][name]=t(lambda: list(ox_store.query(q)))
for engine in ("Oxigraph", "Memory"):
    ds = rdflib.Dataset(store=engine, default_union=True)
    a=time.perf_counter(); ds.parse(data=nq, format="nquads"); load=time.perf_counter()-a
    res[f"rdflib+{engine}"]={"load_s": round(load,2)}
    for name,q in [("bound_path",BOUND),("reverse_closure",REV),("units_of_theme",AGG)]:
        res[f"rdflib+{engine}"][name]=t(lambda: list(ds.query(q)), n=3)
import json
res["quads"] = len(quads)
out = Path(__file__).resolve().parent / "results" / "engines.json"
out.write_text(json.dumps(res, indent=1) + "\n")
print(json.dumps(res, indent=1))
