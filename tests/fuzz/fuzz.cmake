# pk_fuzz_target(name): tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput.
# Always: a replay binary (driver.c) that runs corpus/<name>/ and crashes/<name>/
# as a ctest. With PK_FUZZ=ON (clang): a libFuzzer binary fuzz_<name>.
function(pk_fuzz_target name)
  set(src ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${name}.c)
  add_executable(fuzz_${name}_replay ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/driver.c)
  target_include_directories(fuzz_${name}_replay PRIVATE ${CMAKE_SOURCE_DIR}/lib)
  target_link_libraries(fuzz_${name}_replay PRIVATE parakh_testing)
  add_test(NAME fuzz_${name}_replay
           COMMAND fuzz_${name}_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name}
                   ${CMAKE_SOURCE_DIR}/tests/fuzz/crashes/${name})
  set_tests_properties(fuzz_${name}_replay PROPERTIES LABELS fuzz)
  if(PK_FUZZ)
    add_executable(fuzz_${name} ${src})
    target_include_directories(fuzz_${name} PRIVATE ${CMAKE_SOURCE_DIR}/lib)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${name} PRIVATE parakh_testing)
  endif()
endfunction()

file(GLOB PK_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(f ${PK_FUZZ_SOURCES})
  get_filename_component(n ${f} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" n ${n})
  pk_fuzz_target(${n})
endforeach()
