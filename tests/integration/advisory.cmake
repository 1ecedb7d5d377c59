# parakh advisory end to end (tests/integration/advisory.py): YAML drafts to
# CSAF 2.0 (advisory, VEX, revision), hostile drafts, check on the OASIS
# test cases, affected --sbom, and the BSI reference validator
# (@secvisogram/csaf-validator-lib 2.0.10, installed by the fixture below
# into the build tree; skipped with a message when npm is missing or the
# registry unreachable, a failure under CI=true).
set(PK_ADV_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_PARAKHD=$<TARGET_FILE_DIR:parakh-cli>/parakhd;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA};PK_NPM=${CMAKE_BINARY_DIR}/npm")
if(PK_SANITIZE)
  string(APPEND PK_ADV_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_advisory_npm
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/advisory.py --setup-npm)
set_tests_properties(integration_advisory_npm PROPERTIES
  LABELS integration
  TIMEOUT 600
  SKIP_RETURN_CODE 77
  FIXTURES_SETUP csaf_bsi
  ENVIRONMENT "${PK_ADV_ENV}")
add_test(NAME integration_advisory COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/advisory.py)
set_tests_properties(integration_advisory PROPERTIES
  LABELS integration
  TIMEOUT 600
  FIXTURES_REQUIRED csaf_bsi
  ENVIRONMENT "${PK_ADV_ENV}")
