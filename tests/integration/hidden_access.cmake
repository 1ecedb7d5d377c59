# Hidden access end to end (issue 7): tests/integration/hidden_access.py.
# (Sets its own environment: this file may be read before formats.cmake.)
set(PK_HA_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  string(APPEND PK_HA_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_hidden_access COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/hidden_access.py)
set_tests_properties(integration_hidden_access PROPERTIES
  LABELS integration
  TIMEOUT 900
  ENVIRONMENT "${PK_HA_ENV}")
