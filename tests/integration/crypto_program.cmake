# Issue 6 end to end (tests/integration/crypto_program.py): C programs compiled
# at test time (own AES/SHA-256/ChaCha20 and a PEM key; EVP calls linked
# statically against libcrypto.a and dynamically; hello-world), scanned by the
# CLI, the detection list asserted. Skipped without cc.
set(PK_CRYPTO_IT_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR}")
if(PK_SANITIZE)
  string(APPEND PK_CRYPTO_IT_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_crypto_program
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/crypto_program.py)
set_tests_properties(integration_crypto_program PROPERTIES
  LABELS integration
  TIMEOUT 300
  ENVIRONMENT "${PK_CRYPTO_IT_ENV}")
