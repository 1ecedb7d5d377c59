# Which certified products an advisory touches (lib/csaf/affected.c): Red
# Hat's git-lfs advisory against SBOMs below, at and without the fixed build,
# a certificate with no SBOM, an unreadable SBOM and a document that is not
# CSAF; the private knowledge base is removed every time.
pk_unit_test(test_csaf_affected ${CMAKE_CURRENT_LIST_DIR}/test_csaf_affected.c)
