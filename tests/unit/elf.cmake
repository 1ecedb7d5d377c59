# The ELF analyzer (lib/analyzers/elf/): unit tests on fixtures compiled with
# the host's cc at test time (test_elf) and on hand-made and hostile files
# (test_elf_craft), and elf_facts, which prints the analyzer's facts for files
# (used by scripts/checksec-compare.sh).
pk_unit_test(test_elf ${CMAKE_SOURCE_DIR}/tests/unit/test_elf.c)
pk_unit_test(test_elf_craft ${CMAKE_SOURCE_DIR}/tests/unit/test_elf_craft.c)

add_executable(elf_facts ${CMAKE_SOURCE_DIR}/tests/unit/elf_facts.c)
target_include_directories(elf_facts PRIVATE ${CMAKE_SOURCE_DIR}/lib)
target_link_libraries(elf_facts PRIVATE parakh_testing)
