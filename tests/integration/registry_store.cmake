# The registry store on PostgreSQL (tests/integration/registry_store.py):
# a throwaway cluster (initdb in a temporary directory, Unix socket only, as
# `nobody` when run as root), the cmocka conformance suite of
# tests/unit/test_registry_store.c run against it, the cluster always
# removed. Skipped (77) without PostgreSQL, failed under CI.
add_test(NAME integration_registry_store COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/registry_store.py)
set_tests_properties(integration_registry_store PROPERTIES
  LABELS integration
  TIMEOUT 600
  SKIP_RETURN_CODE 77
  ENVIRONMENT "PK_RSTORE_TEST=$<TARGET_FILE:test_registry_store>;PK_SRC=${CMAKE_SOURCE_DIR}")
