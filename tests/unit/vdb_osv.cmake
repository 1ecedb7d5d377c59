# OSV records, CVE 5 records and curl's vulnerability table
# (lib/vulndb/imp_osv.c, imp_cve5.c, imp_curl.c) on the real files in shared/data.
pk_unit_test(test_vdb_osv ${CMAKE_CURRENT_LIST_DIR}/test_vdb_osv.c)
