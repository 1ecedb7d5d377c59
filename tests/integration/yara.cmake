# Analysts' YARA rules (--rules): tests/integration/yara.py.
# (Sets its own environment: this file may be read before formats.cmake.)
set(PK_YARA_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  string(APPEND PK_YARA_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_yara COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/yara.py)
set_tests_properties(integration_yara PROPERTIES
  LABELS integration
  TIMEOUT 600
  ENVIRONMENT "${PK_YARA_ENV}")
