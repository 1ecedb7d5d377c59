/* The Node.js Security Working Group advisories (nodejs/security-wg,
 * vuln/npm/<N>.json and vuln/core/<N>.json; formerly the Node Security
 * Project): one advisory per file, npm ranges. docs/vulndb/nswg.md. */
#ifndef PK_LIB_VULNDB_IMP_NSWG_H
#define PK_LIB_VULNDB_IMP_NSWG_H

#include <jansson.h>

#include "vulndb/vdb_int.h"

/* 1 when doc is one advisory of either kind: an object with "module_name"
 * and "vulnerable_versions" (npm), or with "vulnerable", "patched" and
 * "cve" (core). The directory's index.json (an object of such objects keyed
 * "1", "2", ...) is not one. Only key presence is tested, so a malformed
 * advisory reaches pki_import_nswg and is refused there by name. */
int pki_nswg_sniff(json_t *doc);

/* One advisory. npm: id "NSWG-ECO-<id>", key npm/<scope>/<name>. core: id
 * "NSWG-COR-<N>" from the file name N.json, key cpe/nodejs/node.js, one
 * affected row per '||' alternative of "vulnerable". Ranges are stored as
 * {"range": R} (npm) or {"range": R, "patched": P} (core), scheme "semver",
 * evaluated by pki_npm_spec_eval. PK_E_FEED for a malformed record. */
pk_status pki_import_nswg(pki_imp *im, json_t *doc);

#endif
