# The crypto analyzer (lib/analyzers/crypto/): rule constants recomputed from
# the algorithm definitions, detection in the system's libcrypto and libz,
# silence on random data, and a constant across the pass's block boundary.
pk_unit_test(test_crypto ${CMAKE_SOURCE_DIR}/tests/unit/test_crypto.c)
# Names of algorithms, modes, protocols, suites and crypto APIs in strings
# (rules/crypto/*.tsv): compiled programs, libssl/libcrypto as tables, quiet files.
pk_unit_test(test_crypto_names ${CMAKE_SOURCE_DIR}/tests/unit/test_crypto_names.c)
