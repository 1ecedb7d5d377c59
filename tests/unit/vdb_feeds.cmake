# The CISA KEV (JSON, CSV), EPSS CSV and Debian security tracker (DSA/DLA
# lists, tracker JSON) importers (lib/vulndb/imp_kev.c, imp_epss.c,
# imp_debian.c): rows read back from the database, matching of an SBOM
# against the Debian data, malformed input refused with the file and line.
pk_unit_test(test_vdb_feeds ${CMAKE_CURRENT_LIST_DIR}/test_vdb_feeds.c)
