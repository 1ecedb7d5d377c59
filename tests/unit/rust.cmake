# The rust analyzer (lib/analyzers/rust/): a C program given a cargo-auditable
# .dep-v0 section with objcopy at test time (zlib JSON made by python3), Cargo
# registry paths in panic-message strings, and hostile sections.
pk_unit_test(test_rust ${CMAKE_CURRENT_LIST_DIR}/test_rust.c)
