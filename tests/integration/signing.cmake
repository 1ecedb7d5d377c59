# Authenticode verification through the CLI (--trust) and agreement with
# osslsigncode on real signed Debian EFI files: tests/integration/signing.py.
# The .deb files are fetched once into PK_SIGN_CACHE (or ~/.cache); offline, that case skips.
set(PK_SIGNING_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
add_test(NAME integration_signing COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/signing.py)
set_tests_properties(integration_signing PROPERTIES
  LABELS integration
  TIMEOUT 900
  ENVIRONMENT "${PK_SIGNING_ENV}")
