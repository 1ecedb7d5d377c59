# The transparency log (lib/tlog/): RFC 6962/9162 hashing and proofs against
# the CT reference tests' and a real CT log's published vectors, an exhaustive
# cross-check against a recursive reference with every corruption refused;
# C2SP signed notes and checkpoints against golang.org/x/mod/sumdb/note's
# published keys and signatures, round trips and every rejection.
pk_unit_test(test_tlog ${CMAKE_CURRENT_LIST_DIR}/test_tlog.c)
pk_unit_test(test_tlog_note ${CMAKE_CURRENT_LIST_DIR}/test_tlog_note.c)
