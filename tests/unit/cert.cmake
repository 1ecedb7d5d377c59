# Certificates (lib/cert/): strict base64 and times, keys (O_EXCL, 0600),
# DSSE sign/open and PAE bytes, every verification state, forged and
# malformed records, limits, and pk_certify refusing REJECT.
pk_unit_test(test_cert ${CMAKE_CURRENT_LIST_DIR}/test_cert.c)
