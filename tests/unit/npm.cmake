# The npm analyzer (lib/analyzers/npm/): installed modules, project manifests,
# package-lock v1/v2/v3 with exact dependency versions, hostile JSON.
pk_unit_test(test_npm ${CMAKE_CURRENT_LIST_DIR}/test_npm.c)
