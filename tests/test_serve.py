"""The SPARQL endpoint (issue #4): `planlineage serve` as a real process, queried with SPARQLWrapper."""
from __future__ import annotations

import sys
import urllib.error
import urllib.request

import pytest
import rdflib
from SPARQLWrapper import JSON, POST, SPARQLWrapper, TURTLE
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

from planlineage.queries import serve as serve_mod

TIME_LIMIT_S = 1
MAX_BYTES = 50_000
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(corpus_store_dir, free_port, running_server):
    """Query URL of `planlineage serve` running as its own process on a free loopback port."""
    port = free_port()
    cmd = [sys.executable, "-c", "from planlineage.cli import main; main()", "serve", "--store", str(corpus_store_dir),
           "--port", str(port), "--timeout", str(TIME_LIMIT_S), "--max-bytes", str(MAX_BYTES)]
    url = f"http://127.0.0.1:{port}/query"
    with running_server(cmd, url + "?query=ASK%7B%7D", "serve"):
        yield url


def _client(url: str, query: str, fmt=JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_serve_select_sees_every_document(endpoint, corpus_files):
    q = ("PREFIX pl: <https://w3id.org/planlineage/ontology#> "
         "SELECT ?source WHERE { ?plan pl:sourceFile ?source } ORDER BY ?source")
    doc = _client(endpoint, q).queryAndConvert()
    assert [b["source"]["value"] for b in doc["results"]["bindings"]] == [p.name for p in corpus_files]


def test_serve_ask(endpoint):
    q = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
         "ASK { ?d eli:id_local \"38-CT/TW\" }")
    assert _client(endpoint, q).queryAndConvert()["boolean"] is True


def test_serve_construct(endpoint, corpus_files):
    q = ("PREFIX pl: <https://w3id.org/planlineage/ontology#> "
         "CONSTRUCT { ?p pl:sourceFile ?s } WHERE { ?p pl:sourceFile ?s }")
    data = _client(endpoint, q, TURTLE).queryAndConvert()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert sorted(str(o) for o in graph.objects()) == [p.name for p in corpus_files]


def test_serve_named_query_through_the_endpoint(endpoint, corpus_store):
    """The same named query answers the same through the served store as embedded."""
    from planlineage.graph.store import open_store
    from planlineage.queries.engine import run_query

    remote = run_query(open_store(endpoint=endpoint), "plans_by_level")
    local = run_query(corpus_store, "plans_by_level")
    assert [{k: str(v) for k, v in r.items()} for r in remote.rows] == \
           [{k: str(v) for k, v in r.items()} for r in local.rows]


def test_serve_refuses_updates(endpoint):
    client = SPARQLWrapper(endpoint.removesuffix("/query") + "/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(urllib.error.HTTPError) as err:
        client.query()
    assert err.value.code == 403
    assert err.value.read().decode() == "read-only endpoint: SPARQL updates are refused\n"
    q = "ASK { <http://example.org/a> ?p ?o }"
    assert _client(endpoint, q).queryAndConvert()["boolean"] is False


def test_serve_update_via_query_url_is_refused(endpoint):
    req = urllib.request.Request(endpoint, data=b"update=CLEAR+ALL", method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403


def test_serve_stops_a_query_over_the_time_limit(endpoint):
    with pytest.raises(EndPointInternalError, match=f"query stopped: it exceeded the time limit of {TIME_LIMIT_S} s"):
        _client(endpoint, SLOW).queryAndConvert()
    # the runaway query was stopped and the endpoint still answers
    assert _client(endpoint, "ASK {}").queryAndConvert()["boolean"] is True


def test_serve_refuses_a_result_over_the_size_limit(endpoint):
    req = urllib.request.Request(endpoint + "?query=" + urllib.request.quote("SELECT * WHERE { ?s ?p ?o }"),
                                 headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 413
    assert f"size limit of {MAX_BYTES} bytes" in err.value.read().decode()


def test_serve_bad_query_is_reported(endpoint):
    with pytest.raises(QueryBadFormed):
        _client(endpoint, "SELECT WHERE {").queryAndConvert()


def test_serve_missing_store_is_an_error(tmp_path):
    with pytest.raises(serve_mod.ServeError, match="no store here"):
        serve_mod.start(tmp_path / "none", port=0)
