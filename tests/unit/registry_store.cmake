# The registry store (lib/registry/): the conformance suite on SQLite here;
# tests/integration/registry_store.cmake runs the same binary again against
# a throwaway PostgreSQL cluster.
pk_unit_test(test_registry_store ${CMAKE_CURRENT_LIST_DIR}/test_registry_store.c)
