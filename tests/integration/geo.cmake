# Where the endpoints are: parakh db import of IP ranges and tracker lists,
# then parakh scan --db --allowed-countries (tests/integration/geo.py).
set(PK_GEO_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  string(APPEND PK_GEO_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_geo COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/geo.py)
set_tests_properties(integration_geo PROPERTIES
  LABELS integration
  TIMEOUT 600
  ENVIRONMENT "${PK_GEO_ENV}")
