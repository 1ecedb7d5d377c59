/* Schema version 2: the CSAF tables (docs/csaf.md "Storage",
 * docs/registry-storage.md). Run after version 1's DDL on a new database and
 * alone when migrating a version 1 one, inside the migration transaction.
 * Dates are text as written; column names avoid SQL keywords (current_date). */
#include "store_int.h"

const char *const pki_csaf_sqlite_schema[] = {
    "CREATE TABLE csaf_docs (seq INTEGER PRIMARY KEY AUTOINCREMENT, folder TEXT NOT NULL,"
    " tracking_id TEXT NOT NULL, version TEXT NOT NULL, tlp TEXT NOT NULL,"
    " init_date TEXT NOT NULL, cur_date TEXT NOT NULL, title TEXT NOT NULL, path TEXT NOT NULL,"
    " file TEXT NOT NULL, body BLOB NOT NULL, sha256 TEXT NOT NULL, sha512 TEXT NOT NULL,"
    " sha256_hex TEXT NOT NULL, signature BLOB, signer TEXT NOT NULL, source TEXT NOT NULL,"
    " stored TEXT NOT NULL, cves TEXT NOT NULL, UNIQUE (folder, tracking_id, version))",
    "CREATE INDEX csaf_docs_id ON csaf_docs (folder, tracking_id, seq)",
    "CREATE INDEX csaf_docs_path ON csaf_docs (folder, path, seq)",
    "CREATE INDEX csaf_docs_file ON csaf_docs (folder, file, seq)",
    "CREATE TABLE csaf_providers (seq INTEGER PRIMARY KEY AUTOINCREMENT, folder TEXT NOT NULL,"
    " url TEXT NOT NULL, metadata BLOB NOT NULL, stored TEXT NOT NULL)",
    "CREATE INDEX csaf_providers_folder ON csaf_providers (folder, seq)",
    "CREATE TABLE cert_sboms (cert_id TEXT PRIMARY KEY REFERENCES certificates (id),"
    " sbom BLOB NOT NULL, sha256 TEXT NOT NULL, stored TEXT NOT NULL)",
    "CREATE TABLE csaf_matched (doc_seq INTEGER NOT NULL REFERENCES csaf_docs (seq),"
    " cert_id TEXT NOT NULL REFERENCES certificates (id), basis TEXT NOT NULL"
    " CHECK (basis IN ('purl', 'sbom')), PRIMARY KEY (doc_seq, cert_id, basis))",
    "CREATE TABLE csaf_hits (doc_seq INTEGER NOT NULL REFERENCES csaf_docs (seq),"
    " cert_id TEXT NOT NULL REFERENCES certificates (id), basis TEXT NOT NULL,"
    " comp_name TEXT NOT NULL, comp_version TEXT NOT NULL, comp_purl TEXT, cve TEXT NOT NULL,"
    " method TEXT NOT NULL, matched TEXT NOT NULL, fixed TEXT)",
    "CREATE INDEX csaf_hits_doc ON csaf_hits (doc_seq, cert_id)",
    "CREATE INDEX csaf_hits_cert ON csaf_hits (cert_id)",
    "CREATE TABLE inuse (org TEXT NOT NULL, cert_id TEXT NOT NULL REFERENCES certificates (id),"
    " added TEXT NOT NULL, PRIMARY KEY (org, cert_id))",
    NULL,
};

const char *const pki_csaf_pg_schema[] = {
    "CREATE TABLE csaf_docs (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " folder text NOT NULL, tracking_id text NOT NULL, version text NOT NULL, tlp text NOT NULL,"
    " init_date text NOT NULL, cur_date text NOT NULL, title text NOT NULL, path text NOT NULL,"
    " file text NOT NULL, body bytea NOT NULL, sha256 text NOT NULL, sha512 text NOT NULL,"
    " sha256_hex text NOT NULL, signature bytea, signer text NOT NULL, source text NOT NULL,"
    " stored text NOT NULL, cves text NOT NULL, UNIQUE (folder, tracking_id, version))",
    "CREATE INDEX csaf_docs_id ON csaf_docs (folder, tracking_id, seq)",
    "CREATE INDEX csaf_docs_path ON csaf_docs (folder, path, seq)",
    "CREATE INDEX csaf_docs_file ON csaf_docs (folder, file, seq)",
    "CREATE TABLE csaf_providers (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " folder text NOT NULL, url text NOT NULL, metadata bytea NOT NULL, stored text NOT NULL)",
    "CREATE INDEX csaf_providers_folder ON csaf_providers (folder, seq)",
    "CREATE TABLE cert_sboms (cert_id text PRIMARY KEY REFERENCES certificates (id),"
    " sbom bytea NOT NULL, sha256 text NOT NULL, stored text NOT NULL)",
    "CREATE TABLE csaf_matched (doc_seq bigint NOT NULL REFERENCES csaf_docs (seq),"
    " cert_id text NOT NULL REFERENCES certificates (id), basis text NOT NULL"
    " CHECK (basis IN ('purl', 'sbom')), PRIMARY KEY (doc_seq, cert_id, basis))",
    "CREATE TABLE csaf_hits (doc_seq bigint NOT NULL REFERENCES csaf_docs (seq),"
    " cert_id text NOT NULL REFERENCES certificates (id), basis text NOT NULL,"
    " comp_name text NOT NULL, comp_version text NOT NULL, comp_purl text, cve text NOT NULL,"
    " method text NOT NULL, matched text NOT NULL, fixed text)",
    "CREATE INDEX csaf_hits_doc ON csaf_hits (doc_seq, cert_id)",
    "CREATE INDEX csaf_hits_cert ON csaf_hits (cert_id)",
    "CREATE TABLE inuse (org text NOT NULL, cert_id text NOT NULL REFERENCES certificates (id),"
    " added text NOT NULL, PRIMARY KEY (org, cert_id))",
    NULL,
};
