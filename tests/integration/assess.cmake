# parakh assess end to end (tests/integration/assess.py): fixtures built at
# test time (a program with an RSA-1024 key and an AWS key id; a clean one),
# verdicts, requirement ids, waivers, exit codes, schema validation.
set(PK_ASSESS_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR}")
if(PK_SANITIZE)
  string(APPEND PK_ASSESS_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_assess COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/assess.py)
set_tests_properties(integration_assess PROPERTIES
  LABELS integration
  TIMEOUT 600
  ENVIRONMENT "${PK_ASSESS_ENV}")
