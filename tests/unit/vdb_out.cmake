# The writers of known-vulnerability results (lib/vulndb/vwrite.c, sarif.c,
# lib/inventory/cdx_vulns.c): native JSON, text, SARIF 2.1.0 and the CycloneDX
# vulnerabilities array on a hand-built match result; each document validated
# against docs/vulns.schema.json and the stored SARIF / CycloneDX schemas.
pk_unit_test(test_vdb_out ${CMAKE_CURRENT_LIST_DIR}/test_vdb_out.c)
