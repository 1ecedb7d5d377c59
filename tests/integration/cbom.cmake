# The cryptography inventory (CBOM) and its judgement: tests/integration/cbom.py.
# (This file is read before formats.cmake, so it sets its own environment.)
set(PK_CBOM_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  string(APPEND PK_CBOM_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_cbom COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cbom.py)
set_tests_properties(integration_cbom PROPERTIES
  LABELS integration
  TIMEOUT 300
  ENVIRONMENT "${PK_CBOM_ENV}")
