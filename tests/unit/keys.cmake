# The keys analyzer (lib/analyzers/keys/): keys and certificates made at test
# time with openssl, ssh-keygen, cc and the OpenSSL API; the system CA bundle.
pk_unit_test(test_keys ${CMAKE_CURRENT_LIST_DIR}/test_keys.c)
