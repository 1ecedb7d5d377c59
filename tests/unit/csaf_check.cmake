# The CSAF reader, JSON Schema validator and pk_csaf_check() (lib/csaf/
# reader.c, jschema*.c, check.c, meta.c): the OASIS and Red Hat examples pass
# the schema, the OASIS test cases only where a schema violation is meant,
# hostile bytes get exact messages, schemas with unknown keywords are refused.
pk_unit_test(test_csaf_check ${CMAKE_CURRENT_LIST_DIR}/test_csaf_check.c)
