# parakhd, the registry server, against docs/registry-api.md and
# docs/registry-openapi.json (tests/integration/parakhd.py, fixtures in
# regkit.py, groups beyond the API in parakhd_faults.py): every role against
# every endpoint, every response against the OpenAPI document, bad input,
# SIGKILL during a storm of submits, two servers on one PostgreSQL database,
# the parakh client end to end (verify --url / --mirror, exit codes) and a row
# edited in the database. PostgreSQL runs are skipped (77) without it, failed
# under CI. Servers listen on 127.0.0.1 only.
set(PK_PARAKHD_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_PARAKHD=$<TARGET_FILE_DIR:parakh-cli>/parakhd;PK_SRC=${CMAKE_SOURCE_DIR}")
if(PK_SANITIZE)
  string(APPEND PK_PARAKHD_ENV ";PK_SANITIZED=1")
endif()
foreach(t "api sqlite" "api pg" "bad sqlite" "bad pg" "slow sqlite" "client sqlite" "tamper sqlite" "crash sqlite" "crash pg" "two pg")
  string(REPLACE " " "_" n "${t}")
  separate_arguments(args UNIX_COMMAND "${t}")
  add_test(NAME integration_parakhd_${n}
           COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/parakhd.py ${args})
  set_tests_properties(integration_parakhd_${n} PROPERTIES
    LABELS integration
    TIMEOUT 600
    SKIP_RETURN_CODE 77
    ENVIRONMENT "${PK_PARAKHD_ENV}")
endforeach()
