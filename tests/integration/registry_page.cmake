# The registry's lookup page (tests/integration/registry_page.py): a real
# parakhd over TLS with a lab, certificates and a revocation; the page driven
# in headless Chromium (drop, file input, pasted hashes, hostile strings, no
# console error or CSP report, no request body). parakhd is found next to the
# CLI (regkit.py). Chromium or parakhd missing: skipped, or failed when $CI is
# set. It sets its own environment, like assess.cmake.
set(PK_RPAGE_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR}")
if(PK_SANITIZE)
  string(APPEND PK_RPAGE_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_registry_page COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/registry_page.py)
set_tests_properties(integration_registry_page PROPERTIES
  LABELS integration
  TIMEOUT 600
  SKIP_RETURN_CODE 77
  ENVIRONMENT "${PK_RPAGE_ENV}")
