# The golang analyzer (lib/analyzers/golang/): build info of a module built
# with the Go toolchain at test time (skipped without `go`), and crafted
# Go >= 1.18 (inline) and Go < 1.18 (ELF pointer) blobs.
pk_unit_test(test_golang ${CMAKE_CURRENT_LIST_DIR}/test_golang.c)
