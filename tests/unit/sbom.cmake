# The SBOM writers and reader (lib/inventory/{sbom_write,cyclonedx,cdx_evidence,
# spdx,sbom_read,license}.c): key content of CycloneDX 1.6/1.5 and SPDX 2.3,
# byte-identical reproducible output, write -> read -> write round trips, and
# the reader's errors. sbom_emit writes the fixture inventory for
# tests/integration/sbom_schema.py (schema validation).
pk_unit_test(test_sbom ${CMAKE_CURRENT_LIST_DIR}/test_sbom.c)
add_executable(sbom_emit ${CMAKE_CURRENT_LIST_DIR}/sbom_emit.c)
target_include_directories(sbom_emit PRIVATE ${CMAKE_SOURCE_DIR}/lib)
target_link_libraries(sbom_emit PRIVATE parakh_testing)
target_compile_definitions(test_sbom PRIVATE PK_TEST_VERSION="${PROJECT_VERSION}")
