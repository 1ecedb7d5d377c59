# The CSAF 2.0 importer with the VEX profile (lib/vulndb/imp_csaf.c) and the
# CycloneDX VEX loader behind --vex (lib/vulndb/vex.c): Red Hat and OASIS
# documents, rows read back, suppression when matching an SBOM, the OASIS
# validator documents, malformed input refused with the file and record.
pk_unit_test(test_vdb_csaf ${CMAKE_CURRENT_LIST_DIR}/test_vdb_csaf.c)
