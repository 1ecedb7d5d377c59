# The hostile-input suite (docs/hostile.md): one ctest per case, label "hostile".
# The cases live in hostile.py; its "list" command names them, so the list here
# cannot drift from the script (cmake re-runs when the script changes).
# Exit 77 = skipped: a KNOWN_BUG in the product (the reason is printed) or a
# precondition the machine cannot meet.
find_program(PK_PYTHON3 NAMES python3)
set(PK_HOSTILE_PY ${CMAKE_CURRENT_LIST_DIR}/hostile.py)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PK_HOSTILE_PY})

if(NOT PK_PYTHON3)
  message(WARNING "python3 not found: the hostile suite is not registered")
else()
  execute_process(COMMAND ${PK_PYTHON3} ${PK_HOSTILE_PY} list
                  OUTPUT_VARIABLE PK_HOSTILE_CASES RESULT_VARIABLE PK_HOSTILE_RC
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT PK_HOSTILE_RC EQUAL 0)
    message(FATAL_ERROR "tests/hostile/hostile.py list failed (${PK_HOSTILE_RC})")
  endif()
  string(REPLACE "\n" ";" PK_HOSTILE_CASES "${PK_HOSTILE_CASES}")
  foreach(case IN LISTS PK_HOSTILE_CASES)
    add_test(NAME hostile_${case} COMMAND ${PK_PYTHON3} ${PK_HOSTILE_PY} ${case})
    set_tests_properties(hostile_${case} PROPERTIES
      LABELS hostile
      SKIP_RETURN_CODE 77
      TIMEOUT 900
      ENVIRONMENT "PK_SRC=${CMAKE_SOURCE_DIR};PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SHARED=${PK_SHARED_DATA};PK_BUILD=${CMAKE_BINARY_DIR}")
  endforeach()
  # the bombs saturate both cores and the disk: keep them from running side by side
  foreach(case zip_bomb nested_bomb sparse_bomb disk_reserve file_timeout interrupt)
    if(case IN_LIST PK_HOSTILE_CASES)
      set_tests_properties(hostile_${case} PROPERTIES RESOURCE_LOCK pk_hostile_heavy)
    endif()
  endforeach()
endif()
