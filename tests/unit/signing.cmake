# The signing analyzer (signed jars). test_signing builds its fixtures with
# the JDK's jar/jarsigner/keytool and openssl at test time and skips without them.
pk_unit_test(test_signing ${CMAKE_CURRENT_LIST_DIR}/test_signing.c)
