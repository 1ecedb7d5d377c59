/* curl's own vulnerability table (curl-www docs/vuln.pm, as CSV). The
 * dispatcher recognises it by its header line, which starts with
 * "page,first_vulnerable,last_vulnerable". */
#ifndef PK_LIB_VULNDB_IMP_CURL_H
#define PK_LIB_VULNDB_IMP_CURL_H

#include <stddef.h>

#include "vulndb/vdb_int.h"

pk_status pki_import_curl_csv(pki_imp *im, const char *buf, size_t len);

#endif
