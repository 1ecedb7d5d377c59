# Certificates end to end (tests/integration/cert.py): keys, accreditation,
# certify (REJECT refused), verify of the deliverable, of a file taken out of
# it and of a modified file, suspension, expiry, forged and malformed records,
# and an independent check of the DSSE signature with python3-securesystemslib.
set(PK_CERT_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR}")
if(PK_SANITIZE)
  string(APPEND PK_CERT_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_cert COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cert.py)
set_tests_properties(integration_cert PROPERTIES
  LABELS integration
  TIMEOUT 600
  ENVIRONMENT "${PK_CERT_ENV}")
