# Schema validation of the SBOMs parakh writes (tests/integration/sbom_schema.py):
# CycloneDX 1.6 and 1.5 against bom-1.6.schema.json and SPDX 2.3 against
# spdx-schema.json (python3-jsonschema, refs resolved locally), and the stored
# official examples read back by the reader. sbom_emit: tests/unit/sbom.cmake.
add_test(NAME integration_sbom_schema
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/sbom_schema.py)
set_tests_properties(integration_sbom_schema PROPERTIES
  LABELS integration
  TIMEOUT 300
  ENVIRONMENT "PK_SBOM_EMIT=$<TARGET_FILE:sbom_emit>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
