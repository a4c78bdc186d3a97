-- Accounts and rights of a shared planlineage store on OpenLink Virtuoso 7 (issue #13).
-- Written by `planlineage virtuoso-setup` (graph/virtuoso.py); run once as dba on the server's machine:
--   isql-vt 1111 dba dba roles.sql
-- Sources: Virtuoso's documentation of SPARQL roles (SPARQL_SELECT, SPARQL_UPDATE, SPARQL_SPONGE,
-- SPARQL_LOAD_SERVICE_DATA) and of graph-level security (DB.DBA.RDF_DEFAULT_USER_PERMS_SET:
-- 1 = read, 3 = read and write).
--
-- The anonymous SPARQL user ("SPARQL", behind /sparql) reads only: no update, no sponging of
-- remote documents (FROM <http://...> with get:soft), no federation (SERVICE), no service data.
REVOKE "SPARQL_UPDATE" FROM "SPARQL";
REVOKE "SPARQL_SPONGE" FROM "SPARQL";
REVOKE "SPARQL_LOAD_SERVICE_DATA" FROM "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
-- Analysts: read-only credentials on /sparql-auth.
DB.DBA.USER_CREATE ('{analyst}', '{analyst_password}');
GRANT "SPARQL_SELECT" TO "{analyst}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{analyst}', 1);
-- The build: the writer role, on /sparql-auth.
DB.DBA.USER_CREATE ('{writer}', '{writer_password}');
GRANT "SPARQL_SELECT" TO "{writer}";
GRANT "SPARQL_UPDATE" TO "{writer}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{writer}', 3);
-- The administrator's password of a new database is "dba": changed here (last: the script runs as dba).
DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{dba_password}');
